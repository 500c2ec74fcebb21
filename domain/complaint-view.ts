import { z } from 'zod';
import { ChannelSchema, InstantSchema, SeveritySchema } from './complaint';
import { STAGES } from './stages';

/**
 * What a complaint looks like to a list, a queue or a report: the fields they filter and sort on, no
 * personal data (no name, contact details or free text; the customer id is the upstream system's
 * opaque key). The workflow publishes it as `complaint.updated` on `complaints.lifecycle` whenever any
 * of it changes, with a `revision` that grows by one each time, so the store keeps the newest view
 * whatever order redeliveries come in. Additive to the lifecycle contract (DESIGN §4).
 */

/**
 * Instants are the domain's ISO-8601 instants, checked when a view is read: a view whose instant the
 * store's `timestamptz` columns would refuse is rejected at decode (dead-lettered), never half-applied.
 */
const Instant = InstantSchema;

export const ClockViewSchema = z.object({
  clock: z.string(),
  kind: z.enum(['deadline', 'window']),
  status: z.enum(['running', 'paused', 'stopped']),
  deadline: Instant,
  breached: z.boolean(),
  /** Whether a stopped clock stopped before its deadline. */
  met: z.boolean().nullable(),
});
export type ClockView = z.infer<typeof ClockViewSchema>;

export const RemedyViewSchema = z.object({
  remedyId: z.string(),
  kind: z.string(),
  status: z.string(),
  amount: z.number().nullable(),
  currency: z.string().nullable(),
  dueBy: Instant.nullable(),
  needsApproval: z.boolean(),
});

export const ComplaintViewSchema = z.object({
  /** One more than the last published view of this complaint. */
  revision: z.number().int().min(1),
  stage: z.enum(STAGES),
  regime: z.string(),
  policyVersion: z.number().int(),
  region: z.string(),
  severity: SeveritySchema,
  category: z.string(),
  product: z.string().nullable(),
  channel: ChannelSchema,
  customerId: z.string(),
  assignee: z.string().nullable(),
  escalated: z.boolean(),
  breached: z.boolean(),
  breaches: z.array(z.object({ clock: z.string(), at: Instant })),
  /** The earliest deadline of a running deadline clock not yet breached. */
  nextDeadline: Instant.nullable(),
  clocks: z.array(ClockViewSchema),
  waitingOnCustomer: z.boolean(),
  remedy: RemedyViewSchema.nullable(),
  outcome: z.enum(['upheld', 'partly-upheld', 'not-upheld']).nullable(),
  /** The root cause the final response recorded (the policy's taxonomy); absent from views published before it existed. */
  cause: z.string().nullable().optional(),
  csat: z.number().nullable(),
  /**
   * The summary's blind-index tokens (keyed hashes of its words, never the words): what a text search
   * over summaries matches. Absent from views of complaints opened before the index existed.
   */
  searchTokens: z.array(z.string().max(64)).max(64).optional(),
  reopenCount: z.number().int().min(0),
  repeatOf: z.array(z.string()),
  /** The complaint whose reply raised this one as a new matter; absent for any other (and from older views). */
  linkedFrom: z.string().optional(),
  /** The complaints opened for new matters this one's replies raised; absent: none (and from older views). */
  relatedTo: z.array(z.string()).max(1_000).optional(),
  flagCount: z.number().int().min(0),
  receivedAt: Instant,
  firstResponseAt: Instant.nullable(),
  finalResponseAt: Instant.nullable(),
  /** Whether the customer is flagged as in vulnerable circumstances (FCA FG21/1); never why. Absent from views published before it existed. */
  vulnerable: z.boolean().optional(),
  /** Drafts held by the respect check awaiting a supervisor; absent from views published before it existed. */
  heldDrafts: z.number().int().min(0).optional(),
});
export type ComplaintView = z.infer<typeof ComplaintViewSchema>;

/** The lifecycle event type that carries a {@link ComplaintView}. */
export const COMPLAINT_UPDATED = 'complaint.updated';

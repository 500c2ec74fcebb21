import { CommitmentStatusSchema } from '../../domain/commitments';
import { z } from 'zod';
import { ROLES } from '../../domain/actor';
import { CHANNELS, ComplaintIdSchema, ComplaintSchema, InstantSchema, SEVERITIES } from '../../domain/complaint';
import { OUTCOMES, REMEDY_KINDS } from '../../domain/actions';
import { DRAFTABLE } from '../../domain/drafts/letters';
import { STAGES } from '../../domain/stages';
import { VULNERABILITY_DRIVERS } from '../../domain/vulnerability';
import type { ComplaintStatus, TimelineEntry } from '../../workflows/messages';
import { DURATION_PATTERN, windowMs } from './duration';

/**
 * The API's zod schemas: the single source of its request types (parsed with them), its response types
 * (the workflow's own types, checked equal to these at compile time) and the OpenAPI document.
 */

/** True when A and B are the same type; used to keep the response schemas in step with the workflow's types. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when its argument is `true`. */
function sameType<T extends true>(): T | undefined {
  return undefined;
}

// ------------------------------------------------------------------ shared

export const ErrorBodySchema = z
  .object({
    error: z.string().meta({ description: 'A stable code: bad_request, unauthorized, forbidden, not_found, …' }),
    message: z.string().meta({ description: 'What went wrong, in words a person can act on' }),
    details: z
      .union([z.array(z.object({ field: z.string(), message: z.string() })), z.record(z.string(), z.unknown())])
      .optional()
      .meta({ description: 'For 400: every invalid field; otherwise context such as the stage or the role' }),
  })
  .meta({ description: 'Every error response' });

/** The `:id` of a complaint route. */
export const ComplaintIdParamsSchema = z.strictObject({ id: ComplaintIdSchema });

// ------------------------------------------------------------------ complaints

/**
 * `POST /complaints`: the complaint as upstream systems describe it, with its id; receipt defaults to
 * now. The instant rules (domain/instant-rules.ts) are checked by the route, as they need the clock.
 */
export const CreateComplaintSchema = ComplaintSchema.extend({
  complaintId: ComplaintIdSchema,
  receivedAt: ComplaintSchema.shape.receivedAt.optional(),
});
/** The body of `POST /complaints`, parsed. */
export type CreateComplaint = z.infer<typeof CreateComplaintSchema>;

/** `POST /complaints` as the `service` role gets it: the id alone, since that role may not read complaints. */
export const SubmittedSchema = z
  .strictObject({ complaintId: z.string() })
  .meta({ description: 'The complaint submitted (or that exists with this id): its id only' });

const ActorSchema = z.object({ id: z.string(), role: z.enum(ROLES) });

const ClockStatusSchema = z.object({
  clock: z.string(),
  kind: z.enum(['deadline', 'window']),
  status: z.enum(['running', 'paused', 'stopped']),
  deadline: z.string(),
  timeLeftMs: z.number().meta({ description: 'Milliseconds until the deadline when read; negative once passed' }),
  remaining: z.number().meta({ description: "Time left in the clock's own unit" }),
  unit: z.string(),
  target: z.number(),
  warningsFired: z.array(z.number()),
  breached: z.boolean(),
  stoppedAt: z.string().optional(),
  met: z.boolean().optional(),
});

const RemedySchema = z.object({
  remedyId: z.string(),
  kind: z.enum(REMEDY_KINDS),
  description: z.string(),
  amount: z.number().optional(),
  currency: z.string().optional(),
  dueBy: z.string().optional(),
  alternatives: z.array(z.string()).optional(),
  meetsDesiredOutcome: z.boolean().optional().meta({ description: 'Whether it gives what the customer asked for' }),
  explanation: z.string().optional().meta({ description: 'Why it differs from what the customer asked for' }),
  desiredOutcome: z.string().optional().meta({
    description:
      "What the customer asked for (the complaint's desiredOutcome), beside the remedy; absent when they did not say",
  }),
  status: z.enum(['awaiting-approval', 'rejected', 'requested', 'fulfilled', 'failed', 'declined', 'explained']),
  proposedBy: z.string(),
  approvedBy: z.string().optional(),
  needsApproval: z.boolean(),
  failureReason: z.string().optional(),
});

/** The `status` query's answer (checked equal to the workflow's `ComplaintStatus` below). */
export const ComplaintStatusSchema = z.object({
  complaintId: z.string(),
  stage: z.enum(STAGES),
  regime: z.string(),
  policyVersion: z.number(),
  region: z.string(),
  severity: z.enum(SEVERITIES),
  category: z.string(),
  channel: z.string(),
  customerId: z.string(),
  assignee: z.string().optional(),
  escalated: z.boolean(),
  breached: z.boolean(),
  breaches: z.array(z.object({ clock: z.string(), at: z.string() })),
  clocks: z.array(ClockStatusSchema),
  nextDeadline: z.string().optional().meta({ description: 'The earliest deadline of a running clock' }),
  waitingOnCustomer: z.boolean(),
  remedy: RemedySchema.optional(),
  commitments: z.array(CommitmentStatusSchema).meta({
    description:
      'Every promise made to the customer (call-backs, reply-by dates, the remedy’s due date, a holding response’s date), kept, missed or open',
  }),
  outcome: z.enum(OUTCOMES).optional(),
  csat: z.number().optional(),
  reopenCount: z.number(),
  repeatOf: z.array(z.string()),
  linkedFrom: z
    .string()
    .optional()
    .meta({ description: 'The complaint whose customer’s reply raised this one as a new matter' }),
  relatedTo: z
    .array(z.string())
    .optional()
    .meta({ description: 'The complaints opened for new matters this one’s replies raised (`openNewMatter`)' }),
  flags: z.array(z.string()),
  receivedAt: z.string(),
  firstResponseAt: z.string().optional(),
  finalResponseAt: z.string().optional(),
  vulnerability: z
    .object({
      vulnerable: z.boolean(),
      drivers: z.array(z.enum(VULNERABILITY_DRIVERS)),
      needs: z.string().optional(),
      by: z.string(),
      at: z.string(),
    })
    .optional()
    .meta({
      description: 'Vulnerable circumstances (FCA FG21/1), flagged at intake (`by: intake`) or recorded by an agent',
    }),
  heldDrafts: z
    .array(
      z.object({
        draftId: z.string(),
        action: z.enum(DRAFTABLE),
        input: z.record(z.string(), z.unknown()),
        by: z.string(),
        at: z.string(),
        findings: z.array(z.string()),
        approvedBy: z.string().optional(),
      }),
    )
    .optional()
    .meta({ description: 'Drafts the respect check held for a supervisor, and approved ones not sent yet' }),
});
sameType<Equals<z.infer<typeof ComplaintStatusSchema>, ComplaintStatus>>();

/** One timeline entry (checked equal to the workflow's `TimelineEntry`). */
export const TimelineEntrySchema = z.object({
  at: z.string(),
  actor: ActorSchema,
  action: z.string(),
  detail: z.string().optional(),
  eventId: z.string().optional(),
  flags: z.array(z.string()).optional(),
});
sameType<Equals<z.infer<typeof TimelineEntrySchema>, TimelineEntry>>();

/** `GET /complaints/:id`: the status with the whole timeline (DESIGN §5). */
export const ComplaintDetailSchema = ComplaintStatusSchema.extend({ timeline: z.array(TimelineEntrySchema) });
/** See {@link ComplaintDetailSchema}. */
export type ComplaintDetail = z.infer<typeof ComplaintDetailSchema>;

const Row = z.record(z.string(), z.unknown());
/** A lifecycle event from the store's event log (store/queries.ts `StoredEvent`). */
const StoredEventSchema = z.object({ eventId: z.string(), type: z.string(), occurredAt: z.string(), data: Row });
/**
 * `GET /complaints/:id` for a complaint Temporal no longer holds (past the namespace's retention): its
 * record from the store (store/queries.ts), with `source: "store"` so a client can tell.
 */
export const StoredComplaintSchema = z.object({
  source: z.literal('store'),
  complaintId: z.string(),
  complaint: Row.meta({ description: 'The stored row: stage, regime, deadlines, outcome, times' }),
  clocks: z.array(Row),
  events: z.array(StoredEventSchema),
  letters: z.array(Row).meta({
    description:
      'Letters sent, with their rendered body (opened from its sealed copy; null with `bodyError` when it cannot be) and its SHA-256',
  }),
  remedies: z.array(Row),
  breaches: z.array(Row),
  links: z
    .object({ linkedFrom: z.string().optional(), relatedTo: z.array(z.string()) })
    .meta({ description: 'The complaint whose reply raised this one, and those this one’s replies raised' }),
});

/** `GET /complaints/:id/timeline`. */
export const TimelineSchema = z.object({ complaintId: z.string(), entries: z.array(TimelineEntrySchema) });
/** See {@link TimelineSchema}. */
export type Timeline = z.infer<typeof TimelineSchema>;

/**
 * `GET /complaints/:id/timeline` for a complaint Temporal no longer holds: the store's event log, with
 * `source: "store"`. Lifecycle events only (what happened, when): who did it and why was the workflow's.
 */
export const StoredTimelineSchema = z.object({
  source: z.literal('store'),
  complaintId: z.string(),
  entries: z.array(StoredEventSchema),
});
/** See {@link StoredTimelineSchema}. */
export type StoredTimeline = z.infer<typeof StoredTimelineSchema>;

// ------------------------------------------------------------------ list

/**
 * A filter value as it goes into a visibility query. Double quotes and backslashes are refused because
 * the visibility store does not escape them consistently; apostrophes are escaped.
 */
// The control characters (Unicode's Cc) spelled as ranges rather than `\p{Cc}`: the OpenAPI document carries
// this pattern, and not every client's regular expressions know Unicode properties (Python's do not).
export const FilterValueSchema = z.string().regex(
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  /^[^"\\\u0000-\u001f\u007f-\u009f]{1,200}$/,
  'must be 1-200 characters without double quotes, backslashes or control characters',
);

/**
 * An optional query parameter whose empty value means absent: a form with a filter left unset sends
 * `?severity=`, and the document (which allows any string there) must not promise what a 400 refuses.
 */
// A preprocess rather than a union with '': a union's failure names the parameter only, not the bad value
// in it (`stage.1`), and in input mode the document shows the inner schema.
const blankAsAbsent = <T extends z.ZodType>(schema: T, description?: string) => {
  const text = description ?? schema.meta()?.description;
  // `blankIsAbsent` tells the OpenAPI document (clients/api/openapi.ts) that "" is allowed too, so the
  // document promises what a filter form's empty field gets.
  return z
    .preprocess((v) => (v === '' ? undefined : v), schema.optional())
    .meta({ ...(text ? { description: text } : {}), blankIsAbsent: true });
};

/** A comma-separated list of allowed values: `stage=listening,apology`. */
const csvOf = <const T extends readonly [string, ...string[]]>(values: T) => {
  // The pattern states the list in the document, so what it allows is what the API answers.
  const one = `\\s*(?:${values.join('|')})\\s*`;
  return z
    .string()
    .regex(new RegExp(`^${one}(?:,${one})*$`), `must be one or more (comma-separated) of: ${values.join(', ')}`)
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(z.enum(values)).min(1))
    .meta({ description: `One or more (comma-separated) of: ${values.join(', ')}` });
};

const BoolParamSchema = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The query of `GET /complaints`: filters, page size and cursor (see clients/api/list.ts). */
export const ListQuerySchema = z.strictObject({
  stage: blankAsAbsent(csvOf(STAGES)),
  severity: blankAsAbsent(csvOf(SEVERITIES)),
  channel: blankAsAbsent(csvOf(CHANNELS)),
  category: blankAsAbsent(FilterValueSchema),
  assignee: blankAsAbsent(FilterValueSchema),
  customer: blankAsAbsent(FilterValueSchema, 'The customer id'),
  regime: blankAsAbsent(FilterValueSchema, 'Policy regime: default, fca-disp, fca-payments, cfpb'),
  product: blankAsAbsent(FilterValueSchema, 'The product (answered from the store only)'),
  breached: blankAsAbsent(BoolParamSchema, 'Whether any deadline was breached'),
  escalated: blankAsAbsent(BoolParamSchema),
  vulnerable: blankAsAbsent(
    BoolParamSchema,
    'Whether the customer is flagged as in vulnerable circumstances (answered from the store only)',
  ),
  // The shape is the document's pattern, so every value it allows is answered (a window over a year is a
  // year); a rule beyond the pattern would be a 400 the document does not promise.
  atRiskWithin: blankAsAbsent(
    z.string().regex(DURATION_PATTERN, 'must be a duration such as 30m, 2h, 1d or 1h30m').transform(windowMs),
    'Only complaints whose next deadline is within this duration from now (e.g. 2h, 1d; at most a year: longer is taken as 365d; 0s: already due)',
  ),
  receivedFrom: blankAsAbsent(InstantSchema, 'Received at or after this instant'),
  receivedTo: blankAsAbsent(InstantSchema, 'Received before this instant'),
  breachedSince: blankAsAbsent(
    InstantSchema,
    'Complaints that breached a deadline at or after this instant, closed ones included (answered from the store only)',
  ),
  search: z.string().trim().min(1).max(200).optional().meta({
    description:
      'Words the summary contains, all of them, whole words, any case and accents (answered from the store only; complaints submitted before the search index existed are not found)',
  }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(1_000)
    .optional()
    .meta({ description: "The previous page's nextCursor, with the same filters" }),
});
/** The list query, parsed: durations in ms, lists split, booleans as booleans. */
export type ListQuery = z.output<typeof ListQuerySchema>;

/** One row of the list, from the complaint's search attributes. */
export const ComplaintSummarySchema = z.object({
  complaintId: z.string(),
  stage: z.enum(STAGES),
  open: z.boolean().meta({ description: 'False once the complaint is closed or withdrawn' }),
  severity: z.string().optional(),
  category: z.string().optional(),
  product: z.string().optional().meta({ description: 'From the store only' }),
  channel: z.string().optional(),
  customerId: z.string().optional(),
  assignee: z.string().optional(),
  regime: z.string().optional(),
  outcome: z.string().optional(),
  cause: z.string().optional().meta({ description: 'The root cause the final response recorded (store only)' }),
  nextDeadline: z.string().optional(),
  timeLeftMs: z.number().optional().meta({ description: 'Until the next deadline, when read' }),
  receivedAt: z.string().optional(),
  breached: z.boolean(),
  escalated: z.boolean(),
  vulnerable: z.boolean().optional().meta({ description: 'Flagged as in vulnerable circumstances (store only)' }),
  csat: z.number().optional(),
  reopenCount: z.number(),
});
/** See {@link ComplaintSummarySchema}. */
export type ComplaintSummary = z.infer<typeof ComplaintSummarySchema>;

/** One page of the list. */
export const ComplaintListSchema = z.object({
  items: z.array(ComplaintSummarySchema).meta({ description: 'Sorted by next deadline (none last), then id' }),
  nextCursor: z.string().optional().meta({ description: 'Absent on the last page' }),
});
/** See {@link ComplaintListSchema}. */
export type ComplaintList = z.infer<typeof ComplaintListSchema>;

// ------------------------------------------------------------------ actions

// The action bodies are the registry's input schemas (domain/actions), one declaration of each.

// ------------------------------------------------------------------ operations

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.record(z.string(), z.boolean()).meta({ description: 'Whether each dependency answered' }),
});

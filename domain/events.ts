import { z } from 'zod';
import { ComplaintIdSchema, ComplaintSchema, InstantSchema } from './complaint';
import { NewMatterSchema } from './linked-complaint';

/**
 * The event envelope (DESIGN §4, a contract) for both directions, and the payload of each event type
 * Redress accepts. Payload schemas are versioned by type name: a breaking change gets a new type
 * (`complaint.received.v2`) rather than changing what upstream systems already publish.
 */

export const EventIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const EnvelopeSchema = z.strictObject({
  eventId: EventIdSchema,
  type: z.string().min(1).max(100),
  complaintId: ComplaintIdSchema,
  occurredAt: InstantSchema,
  source: z.string().trim().min(1).max(100),
  data: z.record(z.string(), z.unknown()),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Facts upstream systems publish about an existing complaint on `complaints.events`. */
export const FOLLOW_UP_EVENT_TYPES = [
  'customer.replied',
  'customer.withdrew',
  'remedy.fulfilled',
  'remedy.failed',
  'survey.responded',
] as const;
export type FollowUpEventType = (typeof FOLLOW_UP_EVENT_TYPES)[number];

export const CustomerRepliedSchema = z.strictObject({
  message: z.string().trim().min(1).max(10_000),
  /** The question this answers, when the customer replied to one. */
  inReplyTo: z.string().max(200).optional(),
  /**
   * How the contact centre read the reply. After the final response, a reply reopens the complaint
   * unless it is marked `satisfied` (a thank-you must not count as a complaint).
   */
  sentiment: z.enum(['satisfied', 'neutral', 'dissatisfied']).optional(),
  /**
   * The customer's answer to the account-confirmation letter, where the channel can tell (a "this is
   * right" / "this is wrong" button, or the contact centre's reading): true completes listening; false
   * says the account needs correcting. Additive to the contract.
   */
  confirmsAccount: z.boolean().optional(),
  /**
   * The reply raises a matter that is not this complaint's (the contact centre's reading): Redress opens a
   * new complaint for it, linked to this one, with its own clocks from the reply (domain/linked-complaint.ts).
   * This complaint's clocks and stage are left as they were. Additive to the contract.
   */
  newMatter: NewMatterSchema.optional(),
});
export const CustomerWithdrewSchema = z.strictObject({ reason: z.string().trim().max(2_000).optional() });
export const RemedyFulfilledSchema = z.strictObject({
  remedyId: z.string().min(1).max(200),
  reference: z.string().max(200).optional(),
});
export const RemedyFailedSchema = z.strictObject({
  remedyId: z.string().min(1).max(200),
  reason: z.string().trim().min(1).max(2_000),
});
export const SurveyRespondedSchema = z.strictObject({
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(5_000).optional(),
  /**
   * True only when the customer confirmed the answer (pressed submit): a link opened by a mail
   * scanner must not count as feedback.
   */
  confirmed: z.boolean(),
});

/** Every event type Redress accepts, with the schema of its `data`. */
export const INBOUND_DATA_SCHEMAS = {
  'complaint.received': ComplaintSchema,
  'customer.replied': CustomerRepliedSchema,
  'customer.withdrew': CustomerWithdrewSchema,
  'remedy.fulfilled': RemedyFulfilledSchema,
  'remedy.failed': RemedyFailedSchema,
  'survey.responded': SurveyRespondedSchema,
} as const;
export type InboundEventType = keyof typeof INBOUND_DATA_SCHEMAS;
export type InboundData<T extends InboundEventType> = z.infer<(typeof INBOUND_DATA_SCHEMAS)[T]>;

/** A validated inbound event: the envelope with its data parsed by the schema of its type. */
export type InboundEvent = {
  [T in InboundEventType]: Omit<Envelope, 'type' | 'data'> & { type: T; data: InboundData<T> };
}[InboundEventType];

/** Events Redress publishes on `complaints.lifecycle` (DESIGN §4, a contract). */
export const LIFECYCLE_EVENT_TYPES = [
  'complaint.opened',
  'complaint.acknowledged',
  'complaint.stage-changed',
  'complaint.apology-sent',
  'complaint.remedy-proposed',
  'complaint.remedy-approved',
  'complaint.remedy-declined',
  'complaint.remedy-requested',
  'complaint.remedy-fulfilled',
  'complaint.remedy-failed',
  'complaint.deadline-warning',
  'complaint.deadline-breached',
  'complaint.escalated',
  'complaint.followup-sent',
  'complaint.resolved',
  'complaint.reopened',
  'complaint.closed',
  'complaint.withdrawn',
  /** A promise to the customer became a clock, was kept, or was missed (workflows/case-commitments.ts). */
  'complaint.commitment-made',
  'complaint.commitment-kept',
  'complaint.commitment-missed',
  /** A reply raised a new matter, opened as a complaint of its own (`relatedTo`; workflows/case-linked.ts). */
  'complaint.linked',
  /** The record view changed (domain/complaint-view.ts): what the store's complaint row is made of. */
  'complaint.updated',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

/** The source name on every event Redress publishes. */
export const REDRESS_SOURCE = 'redress';

/** An event as Redress publishes it: the same envelope, with a deterministic id. */
export interface OutboundEvent<T extends string = string> {
  eventId: string;
  type: T;
  complaintId: string;
  occurredAt: string;
  source: typeof REDRESS_SOURCE;
  data: Record<string, unknown>;
}

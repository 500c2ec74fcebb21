import { z } from 'zod';
import { ComplaintViewSchema, COMPLAINT_UPDATED, type ComplaintView } from '../domain/complaint-view';
import { ComplaintIdSchema, InstantSchema } from '../domain/complaint';
import { EnvelopeSchema, LIFECYCLE_EVENT_TYPES, SurveyRespondedSchema, type Envelope } from '../domain/events';
import { AttachmentSchema } from '../domain/letters/firm-settings';
import { describeFieldErrors, fieldErrors, jsonErrorMessage, type FieldError } from '../domain/validation';
import { letterBodySha256 } from './letters';

/**
 * What the store makes of one Kafka record from the topics Redress publishes: a typed record to apply,
 * or why it cannot be applied (for the dead-letter topic). Pure, so every rule has a unit test. Only
 * the fields the store keeps are checked; the rest of an event's data is kept as it came (event log).
 */

/**
 * The topics the store is fed from: the three Redress publishes, and `events` (upstream's facts), read
 * only for the comments of survey answers, which travel nowhere else.
 */
export type SourceRole = 'lifecycle' | 'notifications' | 'remedies' | 'events';

/** Where a record was read, kept with the event log (audit) and used by rebuild checks. */
export interface SourcePosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * The fields of lifecycle `data` the store reads, per type (the workflow's `lifecycle(...)` calls).
 * Instants are checked here with the domain's schema, so one the database would refuse ("soon") is
 * dead-lettered as `invalid-data` at decode rather than failing the batch's transaction.
 */
const OpenedData = z.object({
  category: z.string(),
  channel: z.string(),
  severity: z.string(),
  regime: z.string(),
  policyVersion: z.number().int(),
  receivedAt: InstantSchema,
  repeatOf: z.array(z.string()).default([]),
  linkedFrom: z.object({ complaintId: ComplaintIdSchema, replyId: z.string() }).optional(),
});
const LinkedData = z.object({ relatedTo: ComplaintIdSchema, replyId: z.string() });
const BreachedData = z.object({ clock: z.string(), deadline: InstantSchema.nullish() });
const StageData = z.object({ from: z.string(), to: z.string() });
const RemedyIdData = z.object({ remedyId: z.string().min(1) });
const RemedyProposedData = RemedyIdData.extend({
  kind: z.string(),
  amount: z.number().nullable(),
  currency: z.string().nullable(),
  needsApproval: z.boolean(),
});
const RemedyRequestedData = RemedyIdData.extend({ dueBy: InstantSchema.nullish() });
const OutcomeData = z.object({ outcome: z.string().nullable().optional(), csat: z.number().nullable().optional() });

/** `data` of `notification.requested` on `complaints.notifications` (activities/notifications.ts). */
const LetterData = z.object({
  kind: z.string(),
  channel: z.string(),
  locale: z.string(),
  recipient: z.object({ type: z.enum(['customer', 'supervisors', 'staff']) }),
  subject: z.string(),
  body: z.string(),
  /** The documents it encloses, by reference (absent: none); the contract's own schema, declared once. */
  attachments: z.array(AttachmentSchema).optional(),
  idempotencyKey: z.string(),
});
/** `data` of `remedy.requested` on `complaints.remedies`. */
const RemedyRequestData = z.object({
  remedyId: z.string().min(1),
  kind: z.string(),
  amount: z.number().optional(),
  currency: z.string().optional(),
  dueBy: InstantSchema.optional(),
});

const LIFECYCLE_DATA: Partial<Record<string, z.ZodType>> = {
  'complaint.opened': OpenedData,
  'complaint.deadline-breached': BreachedData,
  'complaint.stage-changed': StageData,
  'complaint.remedy-proposed': RemedyProposedData,
  'complaint.remedy-approved': RemedyIdData,
  'complaint.remedy-declined': RemedyIdData,
  'complaint.remedy-requested': RemedyRequestedData,
  'complaint.remedy-fulfilled': RemedyIdData,
  'complaint.remedy-failed': RemedyIdData,
  'complaint.resolved': OutcomeData,
  'complaint.closed': OutcomeData,
  'complaint.linked': LinkedData,
};

/** A record the store can apply. */
export type StoreRecord =
  | { kind: 'view'; envelope: Envelope; view: ComplaintView; at: SourcePosition }
  | { kind: 'event'; envelope: Envelope; at: SourcePosition }
  | { kind: 'letter'; envelope: Envelope; letter: z.infer<typeof LetterData> & { bodySha256: string } }
  | { kind: 'remedy-request'; envelope: Envelope; request: z.infer<typeof RemedyRequestData> }
  | { kind: 'survey-comment'; envelope: Envelope; score: number; comment: string };

/** Why a record cannot be applied, in the shape the dead-letter topic records (codes of docs/events.md). */
export interface Unapplicable {
  /** `unapplicable`: decoded, but the database refused its values (store/apply.ts); the others at decode. */
  code: 'empty' | 'not-json' | 'invalid-envelope' | 'unknown-type' | 'invalid-data' | 'key-mismatch' | 'unapplicable';
  reason: string;
  errors: FieldError[];
  eventId?: string;
  complaintId?: string;
}

export type Decoded = { ok: true; record: StoreRecord } | { ok: false; rejection: Unapplicable };

const reject = (rejection: Unapplicable): Decoded => ({ ok: false, rejection });

/** The event types each source topic carries. */
const TYPES: Record<SourceRole, readonly string[]> = {
  lifecycle: [...LIFECYCLE_EVENT_TYPES, COMPLAINT_UPDATED],
  notifications: ['notification.requested'],
  remedies: ['remedy.requested'],
  events: ['survey.responded'],
};

/**
 * What the store takes from a record of upstream's `complaints.events`: the comment of a confirmed survey
 * answer, else nothing. Never a dead letter: the bridge reads the same topic and dead-letters what it
 * cannot accept, so the projector dead-lettering it too would give an operator two letters for one fault.
 */
export function decodeInboundComment(
  value: Buffer | null | undefined,
  key: Buffer | null | undefined,
): StoreRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return undefined;
  }
  const env = EnvelopeSchema.safeParse(json);
  if (!env.success || !TYPES.events.includes(env.data.type)) return undefined;
  if (key && key.toString('utf8') !== env.data.complaintId) return undefined;
  const answer = SurveyRespondedSchema.safeParse(env.data.data);
  // Unconfirmed (a mail scanner opening the link) is no answer, and an answer without words has no comment.
  if (!answer.success || !answer.data.confirmed || !answer.data.comment) return undefined;
  return { kind: 'survey-comment', envelope: env.data, score: answer.data.score, comment: answer.data.comment };
}

/** The topics Redress publishes, whose every record the store applies or dead-letters. */
export type PublishedRole = Exclude<SourceRole, 'events'>;

/** Decodes one Kafka record read from the topic of `role` (upstream's `events`: {@link decodeInboundComment}). */
export function decodeRecord(
  role: PublishedRole,
  value: Buffer | null | undefined,
  key: Buffer | null | undefined,
  at: SourcePosition,
): Decoded {
  if (!value || value.length === 0) return reject({ code: 'empty', reason: 'the record has no value', errors: [] });
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return reject({ code: 'not-json', reason: `not JSON: ${jsonErrorMessage(err)}`, errors: [] });
  }
  const env = EnvelopeSchema.safeParse(json);
  if (!env.success) {
    const errors = fieldErrors(env.error);
    return reject({ code: 'invalid-envelope', reason: `invalid envelope: ${describeFieldErrors(errors)}`, errors });
  }
  const envelope = env.data;
  const ids = { eventId: envelope.eventId, complaintId: envelope.complaintId };
  if (key && key.toString('utf8') !== envelope.complaintId) {
    return reject({ code: 'key-mismatch', reason: 'the record key is not its complaintId', errors: [], ...ids });
  }
  if (!TYPES[role].includes(envelope.type)) {
    return reject({ code: 'unknown-type', reason: `${envelope.type} is not an event of ${role}`, errors: [], ...ids });
  }
  const invalid = (error: z.ZodError): Decoded => {
    const errors = fieldErrors(error).map((e) => ({ ...e, field: `data.${e.field}` }));
    return reject({
      code: 'invalid-data',
      reason: `invalid ${envelope.type} data: ${describeFieldErrors(errors)}`,
      errors,
      ...ids,
    });
  };
  if (role === 'notifications') {
    const letter = LetterData.safeParse(envelope.data);
    if (!letter.success) return invalid(letter.error);
    const bodySha256 = letterBodySha256(letter.data.body);
    return { ok: true, record: { kind: 'letter', envelope, letter: { ...letter.data, bodySha256 } } };
  }
  if (role === 'remedies') {
    const request = RemedyRequestData.safeParse(envelope.data);
    if (!request.success) return invalid(request.error);
    return { ok: true, record: { kind: 'remedy-request', envelope, request: request.data } };
  }
  if (envelope.type === COMPLAINT_UPDATED) {
    const view = ComplaintViewSchema.safeParse(envelope.data);
    if (!view.success) return invalid(view.error);
    return { ok: true, record: { kind: 'view', envelope, view: view.data, at } };
  }
  const schema = LIFECYCLE_DATA[envelope.type];
  const data = schema?.safeParse(envelope.data);
  if (data && !data.success) return invalid(data.error);
  return { ok: true, record: { kind: 'event', envelope, at } };
}

/** The readers of lifecycle data the apply step uses (already checked by {@link decodeRecord}). */
export const LifecycleData = {
  opened: OpenedData,
  breached: BreachedData,
  stage: StageData,
  remedyProposed: RemedyProposedData,
  remedyRequested: RemedyRequestedData,
  remedyId: RemedyIdData,
  outcome: OutcomeData,
} as const;

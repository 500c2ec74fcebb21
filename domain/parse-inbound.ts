import { EnvelopeSchema, INBOUND_DATA_SCHEMAS, type InboundEvent, type InboundEventType } from './events';
import { checkPastInstant, checkReferralSent, type InstantBounds } from './instant-rules';
import { findUnsafeText } from './unsafe-text';
import { fieldErrors, jsonErrorMessage, type FieldError } from './validation';

/** Larger messages are refused: one complaint must not fill a workflow's history or a Kafka batch. */
export const MAX_INBOUND_BYTES = 256 * 1024;

/** Deeper JSON than this is no event of ours, and walking it could exhaust the stack. */
export const MAX_INBOUND_DEPTH = 32;

/** Why a message was refused, as a stable code (dead letters and metrics carry it; docs/events.md lists them). */
export type RejectionCode =
  | 'empty'
  | 'too-large'
  | 'not-utf8'
  | 'not-json'
  | 'too-deep'
  | 'control-characters'
  | 'invalid-envelope'
  | 'unknown-type'
  | 'invalid-data'
  | 'key-mismatch';

/**
 * A refusal: its code, reason and field errors, and the envelope's ids once the envelope was valid
 * (they are ids, not personal data: the dead letter keeps them in clear so an operator finds it).
 */
export type ParseResult =
  | { ok: true; event: InboundEvent }
  | {
      ok: false;
      code: RejectionCode;
      reason: string;
      errors: FieldError[];
      ids?: { eventId: string; complaintId: string };
    };

/** Which event types each inbound topic carries (DESIGN §4). */
export type InboundTopicRole = 'intake' | 'events';
const TYPES_BY_ROLE: Record<InboundTopicRole, readonly InboundEventType[]> = {
  intake: ['complaint.received'],
  events: ['customer.replied', 'customer.withdrew', 'remedy.fulfilled', 'remedy.failed', 'survey.responded'],
};

const reject = (code: RejectionCode, reason: string, errors: FieldError[] = []): ParseResult => ({
  ok: false,
  code,
  reason,
  errors,
});

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses one inbound Kafka message: size, JSON, envelope, the event type allowed on that topic, the
 * payload schema of that type, the key (which must be the complaint id, or per-complaint ordering
 * is lost), and the instants it supplies (`occurredAt`, a complaint's `data.receivedAt`) against the
 * rules of `domain/instant-rules.ts` at `bounds`. Pure: the caller decides what a rejection means
 * (the dead-letter topic).
 */
export function parseInbound(
  role: InboundTopicRole,
  value: Buffer | null,
  key: Buffer | null,
  bounds: InstantBounds,
): ParseResult {
  if (value === null || value.length === 0) return reject('empty', 'empty message: expected a JSON event envelope');
  if (value.length > MAX_INBOUND_BYTES) {
    return reject('too-large', `message of ${value.length} bytes exceeds the limit of ${MAX_INBOUND_BYTES} bytes`);
  }
  let text: string;
  try {
    // Strict: invalid UTF-8 would otherwise become U+FFFD and change what the customer wrote.
    text = utf8.decode(value);
  } catch {
    return reject('not-utf8', 'not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return reject('not-json', `not valid JSON: ${jsonErrorMessage(err)}`);
  }
  const unsafe = findUnsafeText(json, MAX_INBOUND_DEPTH);
  if (unsafe?.code === 'too-deep') {
    return reject('too-deep', `JSON nested deeper than ${MAX_INBOUND_DEPTH} levels`, [
      { field: unsafe.field, message: `must not nest deeper than ${MAX_INBOUND_DEPTH} levels` },
    ]);
  }
  if (unsafe) {
    return reject('control-characters', `control character or unpaired surrogate in ${unsafe.field}`, [
      { field: unsafe.field, message: 'must not contain control characters other than tab, CR and LF' },
    ]);
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const errors = fieldErrors(envelope.error);
    return reject('invalid-envelope', `invalid envelope: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
  const { type } = envelope.data;
  const ids = { eventId: envelope.data.eventId, complaintId: envelope.data.complaintId };
  const refuse = (code: RejectionCode, reason: string, errors: FieldError[]): ParseResult => ({
    ok: false,
    code,
    reason,
    errors,
    ids,
  });
  const allowed = TYPES_BY_ROLE[role];
  if (!(allowed as readonly string[]).includes(type)) {
    return refuse(
      'unknown-type',
      `event type "${type}" is not accepted on the ${role} topic (accepted: ${allowed.join(', ')})`,
      [{ field: 'type', message: `must be one of ${allowed.join(', ')}` }],
    );
  }
  const schema = INBOUND_DATA_SCHEMAS[type as InboundEventType];
  // The payload as parsed from JSON, not as the envelope schema copied it: z.record copies each key
  // by assignment, so a "__proto__" key became the copy's prototype and escaped the strict check.
  const data = schema.safeParse((json as { data: unknown }).data);
  if (!data.success) {
    const errors = fieldErrors(data.error).map((e) => ({ ...e, field: `data.${e.field}` }));
    return refuse('invalid-data', `invalid ${type} data: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
  if (key !== null && key.toString('utf8') !== envelope.data.complaintId) {
    return refuse(
      'key-mismatch',
      "message key must equal complaintId, or one complaint's events can arrive out of order",
      [{ field: '(key)', message: 'must equal complaintId' }],
    );
  }
  const event = { ...envelope.data, type, data: data.data } as InboundEvent;
  const instants = [
    checkPastInstant('occurredAt', event.occurredAt, bounds),
    event.type === 'complaint.received'
      ? checkPastInstant('data.receivedAt', event.data.receivedAt, bounds)
      : undefined,
    event.type === 'complaint.received' ? checkReferralSent('data.', event.data, bounds) : undefined,
  ].filter((e): e is FieldError => e !== undefined);
  if (instants.length > 0) {
    // The same code as a schema failure: the value is well-formed but not one Redress can act on.
    return refuse('invalid-data', `invalid ${type}: ${instants.map((e) => e.field).join(', ')}`, instants);
  }
  return { ok: true, event };
}

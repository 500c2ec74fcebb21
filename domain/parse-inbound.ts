import { EnvelopeSchema, INBOUND_DATA_SCHEMAS, type InboundEvent, type InboundEventType } from './events';
import { fieldErrors, type FieldError } from './validation';

/** Larger messages are refused: one complaint must not fill a workflow's history or a Kafka batch. */
export const MAX_INBOUND_BYTES = 256 * 1024;

export type ParseResult = { ok: true; event: InboundEvent } | { ok: false; reason: string; errors: FieldError[] };

/** Which event types each inbound topic carries (DESIGN §4). */
export type InboundTopicRole = 'intake' | 'events';
const TYPES_BY_ROLE: Record<InboundTopicRole, readonly InboundEventType[]> = {
  intake: ['complaint.received'],
  events: ['customer.replied', 'customer.withdrew', 'remedy.fulfilled', 'remedy.failed', 'survey.responded'],
};

const reject = (reason: string, errors: FieldError[] = []): ParseResult => ({ ok: false, reason, errors });

/**
 * Parses one inbound Kafka message: size, JSON, envelope, the event type allowed on that topic, the
 * payload schema of that type, and the key (which must be the complaint id, or per-complaint ordering
 * is lost). Pure: the caller decides what a rejection means (the dead-letter topic).
 */
export function parseInbound(role: InboundTopicRole, value: Buffer | null, key: Buffer | null): ParseResult {
  if (value === null || value.length === 0) return reject('empty message: expected a JSON event envelope');
  if (value.length > MAX_INBOUND_BYTES) {
    return reject(`message of ${value.length} bytes exceeds the limit of ${MAX_INBOUND_BYTES} bytes`);
  }
  const text = value.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return reject(`not valid JSON: ${(err as Error).message}`);
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const errors = fieldErrors(envelope.error);
    return reject(`invalid envelope: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
  const { type } = envelope.data;
  const allowed = TYPES_BY_ROLE[role];
  if (!(allowed as readonly string[]).includes(type)) {
    return reject(`event type "${type}" is not accepted on the ${role} topic (accepted: ${allowed.join(', ')})`, [
      { field: 'type', message: `must be one of ${allowed.join(', ')}` },
    ]);
  }
  const schema = INBOUND_DATA_SCHEMAS[type as InboundEventType];
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) {
    const errors = fieldErrors(data.error).map((e) => ({ ...e, field: `data.${e.field}` }));
    return reject(`invalid ${type} data: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
  if (key !== null && key.toString('utf8') !== envelope.data.complaintId) {
    return reject("message key must equal complaintId, or one complaint's events can arrive out of order", [
      { field: '(key)', message: 'must equal complaintId' },
    ]);
  }
  return { ok: true, event: { ...envelope.data, type, data: data.data } as InboundEvent };
}

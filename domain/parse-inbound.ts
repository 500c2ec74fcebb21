import { EnvelopeSchema, INBOUND_DATA_SCHEMAS, type InboundEvent, type InboundEventType } from './events';
import { fieldErrors, type FieldError } from './validation';

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

export type ParseResult =
  { ok: true; event: InboundEvent } | { ok: false; code: RejectionCode; reason: string; errors: FieldError[] };

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
 * C0 and C1 control characters other than tab, line feed and carriage return: no complaint text
 * needs them, a NUL breaks PostgreSQL text columns (Temporal's visibility store in production), and
 * they hide text from the person reading a dead letter or a log. Lone UTF-16 surrogates (from
 * `\ud800`-style escapes) cannot be encoded back to UTF-8, so the text would silently change.
 */
const FORBIDDEN_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first string (value or property name) with a forbidden character, or a value nested too deeply. */
function findUnsafeText(json: unknown): { code: 'too-deep' | 'control-characters'; field: string } | undefined {
  // Iterative, so a hostile nesting depth cannot overflow the stack.
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: json, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    const field = path || '(root)';
    if (typeof value === 'string') {
      if (FORBIDDEN_CHARACTERS.test(value)) return { code: 'control-characters', field };
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_INBOUND_DEPTH) return { code: 'too-deep', field };
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      for (const [name, child] of entries) {
        if (FORBIDDEN_CHARACTERS.test(name)) return { code: 'control-characters', field: `${field}(property name)` };
        stack.push({ value: child, path: path ? `${path}.${name}` : name, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** JSON.parse's message without the excerpt of the input that Node quotes (it may hold personal data). */
function jsonErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/,? ".*"(?:\.\.\.)? is not valid JSON$/s, '').slice(0, 200);
}

/**
 * Parses one inbound Kafka message: size, JSON, envelope, the event type allowed on that topic, the
 * payload schema of that type, and the key (which must be the complaint id, or per-complaint ordering
 * is lost). Pure: the caller decides what a rejection means (the dead-letter topic).
 */
export function parseInbound(role: InboundTopicRole, value: Buffer | null, key: Buffer | null): ParseResult {
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
  const unsafe = findUnsafeText(json);
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
  const allowed = TYPES_BY_ROLE[role];
  if (!(allowed as readonly string[]).includes(type)) {
    return reject(
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
    return reject('invalid-data', `invalid ${type} data: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
  if (key !== null && key.toString('utf8') !== envelope.data.complaintId) {
    return reject(
      'key-mismatch',
      "message key must equal complaintId, or one complaint's events can arrive out of order",
      [{ field: '(key)', message: 'must equal complaintId' }],
    );
  }
  return { ok: true, event: { ...envelope.data, type, data: data.data } as InboundEvent };
}

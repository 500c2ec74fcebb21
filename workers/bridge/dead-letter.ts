import { createHash } from 'node:crypto';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { ComplaintViewSchema } from '../../domain/complaint-view';
import { EnvelopeSchema, INBOUND_DATA_SCHEMAS } from '../../domain/events';
import {
  declaredFieldNames,
  scrubField,
  scrubFieldErrors,
  scrubText,
  type DeadLetter,
  type DeadLetterBytes,
  type SealedContent,
} from '../../domain/dead-letter';
import type { FieldError } from '../../domain/validation';
import { sealContent, type OriginalProtection } from '../../platform/dead-letter-seal';

/**
 * Originals up to this size are kept whole in the dead letter. Base64 inside the sealed JSON and base64
 * of the sealed bytes make them 16/9 larger, and the record must stay under the broker's default
 * `max.message.bytes` (1 MiB; 384 KiB becomes 683 KiB, and inbound messages over 256 KiB are refused
 * as `too-large` anyway): a larger original
 * keeps its first {@link TRUNCATED_ORIGINAL_BYTES}, its size and its SHA-256, and is read back whole
 * from its source topic, partition and offset (all in the record) while that topic retains it.
 */
export const MAX_ORIGINAL_BYTES = 384 * 1024;
export const TRUNCATED_ORIGINAL_BYTES = 64 * 1024;
const MAX_REASON_CHARS = 2_000;
const MAX_ERRORS = 50;
const MAX_HEADER_CHARS = 16 * 1024;
/** Keys are ids: a longer one is no id, and is kept only in part. */
const MAX_KEY_BYTES = 16 * 1024;
const TRUNCATED_KEY_BYTES = 1024;

/**
 * The field names a clear reason may keep: those of every schema an input is checked against here
 * (the inbound events' for the bridge, the complaint view's for the projector).
 */
const DECLARED = declaredFieldNames([EnvelopeSchema, ...Object.values(INBOUND_DATA_SCHEMAS), ComplaintViewSchema]);

/** Why a message is dead-lettered, as the bridge (or the projector) decided it. */
export interface Rejection {
  code: string;
  /** Why, in words; quoted text and odd field names are scrubbed before it is kept in clear. */
  reason: string;
  /** What else explains it and may quote the input (a Temporal refusal, an error's message): sealed. */
  detail?: string;
  errors: FieldError[];
  eventId?: string;
  complaintId?: string;
}

/** Builds the dead-letter record of a message; bounded in size whatever the message was. */
export function deadLetter(
  topic: string,
  partition: number,
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset' | 'timestamp'>,
  rejection: Rejection,
  protection: OriginalProtection,
  now = new Date(),
): DeadLetter {
  const value = bytes(message.value, MAX_ORIGINAL_BYTES, TRUNCATED_ORIGINAL_BYTES);
  const key = bytes(message.key, MAX_KEY_BYTES, TRUNCATED_KEY_BYTES);
  const errors = rejection.errors
    .slice(0, MAX_ERRORS)
    .map((e) => ({ field: clip(e.field, 200), message: clip(e.message, 500) }));
  const detail = rejection.detail === undefined ? {} : { detail: clip(rejection.detail, MAX_REASON_CHARS) };
  const headers = headerStrings(message.headers);
  const routing = {
    code: rejection.code,
    reason: clip(clearReason(rejection.reason, rejection.errors), MAX_REASON_CHARS),
    errors: scrubFieldErrors(errors, DECLARED),
    source: { topic, partition, offset: message.offset, timestamp: message.timestamp },
    ...(rejection.eventId ? { eventId: rejection.eventId } : {}),
    ...(rejection.complaintId ? { complaintId: rejection.complaintId } : {}),
    rejectedAt: now.toISOString(),
  };
  if ('clear' in protection) {
    return {
      ...routing,
      original: { key: key.base64, value: value.base64, valueBytes: value, keyBytes: key, headers },
      ...detail,
    };
  }
  const content: SealedContent = {
    key: key.base64,
    value: value.base64,
    keySha256: key.sha256,
    valueSha256: value.sha256,
    headers,
    ...detail,
    errors,
  };
  return {
    ...routing,
    sealed: {
      ...sealContent(protection.seal, content, routing),
      keySize: key.size,
      valueSize: value.size,
      truncated: value.truncated,
    },
  };
}

/**
 * A reason fit to keep in clear: each field it names scrubbed as the clear errors' fields are, and
 * quoted input blanked (zod quotes unknown keys; JSON.parse the token it stopped at).
 */
export function clearReason(reason: string, errors: readonly FieldError[]): string {
  let out = reason;
  for (const { field } of errors) out = out.split(field).join(scrubField(field, DECLARED));
  return scrubText(out);
}

/** The Kafka key of a dead letter: the original key when it is a plausible id, so one complaint's letters stay in order. */
export function deadLetterKey(message: Pick<KafkaMessage, 'key'>): Buffer | null {
  return message.key && message.key.length <= TRUNCATED_KEY_BYTES ? message.key : null;
}

/** The Kafka headers of a dead letter: enough to route and count without parsing the record. */
export function deadLetterHeaders(record: DeadLetter): Record<string, string> {
  return {
    code: record.code,
    reason: clip(record.reason, 500),
    'source-topic': record.source.topic,
    'source-partition': String(record.source.partition),
    'source-offset': record.source.offset,
  };
}

function bytes(buf: Buffer | null | undefined, max: number, keep: number): DeadLetterBytes {
  if (!buf) return { base64: null, size: 0, sha256: null, truncated: false };
  const truncated = buf.length > max;
  const kept = truncated ? buf.subarray(0, keep) : buf;
  return {
    base64: kept.toString('base64'),
    size: buf.length,
    sha256: createHash('sha256').update(buf).digest('hex'),
    truncated,
  };
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  let budget = MAX_HEADER_CHARS;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.map(String).join(',') : String(value);
    const kept = text.slice(0, Math.max(0, budget - name.length));
    budget -= name.length + kept.length;
    if (budget <= 0) break;
    out[name] = kept;
  }
  return out;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

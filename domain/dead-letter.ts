import { z } from 'zod';
import type { FieldError } from './validation';

/**
 * The dead-letter contract of `complaints.dlq` (DESIGN §4, docs/events.md): owned here, with the other
 * event schemas, so the JSON Schema generator and consumers take it from the domain; the bridge's
 * `workers/bridge/dead-letter.ts` builds the records (bounding their size, sealing their originals) and
 * publishes them.
 *
 * A dead letter keeps in clear only what routes and counts it — where it came from, the code, a reason
 * and field errors scrubbed of input text, the event and complaint ids — and seals everything that can
 * hold the customer's words (the original key, value and headers, the detailed reason and errors) with
 * the payload key ring, for the topic's 30 days (issue 16).
 */

/** Some original bytes of a dead-lettered message, as the record carries them. */
export const DeadLetterBytesSchema = z.strictObject({
  /** The bytes, base64; null when the message had none. */
  base64: z.string().nullable(),
  size: z.number().int().min(0),
  sha256: z.string().nullable(),
  truncated: z.boolean(),
});

const FieldErrorSchema = z.strictObject({ field: z.string(), message: z.string() });

/**
 * The original message as the first version of the contract carried it in clear: `key` and `value`
 * base64 (plain strings), `keyBytes` and `valueBytes` adding the size, the SHA-256 of the whole
 * original and whether it was truncated. Now inside {@link SealedContentSchema}, or in clear only when a
 * deployment runs with `REDRESS_PAYLOAD_ENCRYPTION=off`.
 */
export const DeadLetterOriginalSchema = z.strictObject({
  key: z.string().nullable(),
  value: z.string().nullable(),
  valueBytes: DeadLetterBytesSchema,
  keyBytes: DeadLetterBytesSchema,
  headers: z.record(z.string(), z.string()),
});

/**
 * What a dead letter seals: the original's key, value (base64, the value whole or its first bytes when
 * truncated) and headers, their SHA-256 digests (of the whole originals: a digest of a short personal
 * message is itself guessable, so it is sealed too), and the reason and errors as they were, input text
 * and all. Compact (no copy of the bytes twice), since sealing and base64 make it larger by 16/9.
 */
export const SealedContentSchema = z.strictObject({
  key: z.string().nullable(),
  value: z.string().nullable(),
  keySha256: z.string().nullable(),
  valueSha256: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  /** The full reason (a Temporal refusal, an unexpected error's message), when it says more than `reason`. */
  detail: z.string().optional(),
  errors: z.array(FieldErrorSchema),
});

/**
 * The sealed part of a dead letter: AES-256-GCM under the payload key ring (platform/payload-codec.ts),
 * the key id and the letter's {@link sealContext} as authenticated data, so it opens only as part of
 * the letter it was made for.
 */
export const SealedSchema = z.strictObject({
  /** The ring key it was sealed with. */
  keyId: z.string(),
  /** `iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes)` of the JSON of the sealed content, base64. */
  data: z.string(),
  /** Sizes of the original key and value in bytes (not their contents): enough to triage without the key. */
  keySize: z.number().int().min(0),
  valueSize: z.number().int().min(0),
  /** Whether the original value was larger than one record holds, so only its first bytes are sealed. */
  truncated: z.boolean(),
});

/**
 * What the bridge (and the projector) publishes on `complaints.dlq` for an input it cannot accept (a
 * contract, DESIGN §4): why, where it came from, and the original, sealed, so an operator with the key
 * ring can read, fix and replay it (`redress dlq show`, `redress dlq replay`). Exactly one of `sealed`
 * (the default) and `original` (a deployment that runs unencrypted on purpose) is present.
 */
export const DeadLetterSchema = z.strictObject({
  /** A stable code for the kind of rejection (see docs/events.md), for dashboards and replay tools. */
  code: z.string(),
  /** Why, in words, without input text: field names and fixed phrases; quoted input is blanked to "…". */
  reason: z.string(),
  /** The field errors, scrubbed as `reason` is; the sealed content holds them as they were. */
  errors: z.array(FieldErrorSchema),
  source: z.strictObject({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    timestamp: z.string(),
  }),
  sealed: SealedSchema.optional(),
  /** Only with `REDRESS_PAYLOAD_ENCRYPTION=off`: the original in clear, as the first version had it. */
  original: DeadLetterOriginalSchema.optional(),
  /** Only with `REDRESS_PAYLOAD_ENCRYPTION=off`: the full reason in clear. */
  detail: z.string().optional(),
  /** The event id and complaint id when the envelope was valid (facts Temporal refused), else absent. */
  eventId: z.string().optional(),
  complaintId: z.string().optional(),
  rejectedAt: z.string(),
});
/** See {@link DeadLetterSchema}. */
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
/** See {@link DeadLetterBytesSchema}. */
export type DeadLetterBytes = z.infer<typeof DeadLetterBytesSchema>;
/** See {@link DeadLetterOriginalSchema}. */
export type DeadLetterOriginal = z.infer<typeof DeadLetterOriginalSchema>;
/** See {@link SealedContentSchema}. */
export type SealedContent = z.infer<typeof SealedContentSchema>;

/**
 * The authenticated context a letter's sealed part is bound to: where the original came from and when
 * it was refused, so a sealed part copied into another letter fails to open.
 */
export const sealContext = (letter: Pick<DeadLetter, 'code' | 'source' | 'rejectedAt'>): string =>
  `dead-letter/${letter.source.topic}/${letter.source.partition}/${letter.source.offset}/${letter.code}/${letter.rejectedAt}`;

/** Indexes and the placeholders of domain/validation.ts and domain/unsafe-text.ts: never input text. */
const FIXED_SEGMENT = /^(?:\d{1,9}|\(root\)|\(key\))$/;
const PROPERTY_NAME_SUFFIX = '(property name)';

/** Input text quoted in a message (zod quotes unknown keys, Node a JSON excerpt), or a run of it. */
const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;

interface ZodLike {
  _zod: { def: Record<string, unknown> };
}
const isSchema = (v: unknown): v is ZodLike =>
  typeof v === 'object' && v !== null && '_zod' in v && typeof (v as ZodLike)._zod?.def === 'object';

/**
 * Every property name the schemas declare, at any depth (objects, arrays, unions, optionals, pipes…):
 * the names a field path may keep in clear. A path is joined with dots, so a key of the input with a
 * dot in it (an email address) would split into innocent-looking parts: only declared names pass.
 */
export function declaredFieldNames(schemas: readonly unknown[]): ReadonlySet<string> {
  const names = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!isSchema(v) || seen.has(v)) return;
    seen.add(v);
    const { def } = v._zod;
    const shape = def.shape as Record<string, unknown> | undefined;
    for (const [name, child] of Object.entries(shape ?? {})) {
      names.add(name);
      visit(child);
    }
    for (const [k, child] of Object.entries(def)) if (k !== 'shape') visit(child);
  };
  schemas.forEach(visit);
  return names;
}

/**
 * A message or reason fit to keep in clear: quoted text blanked to `"…"` (zod quotes the unknown keys
 * it refuses and the options it expects; the options are in the sealed copy).
 */
export function scrubText(text: string): string {
  return text.replace(QUOTED, '"…"');
}

/** A field path fit to keep in clear: its declared names and indexes, then `…` from the first other part. */
export function scrubField(field: string, declared: ReadonlySet<string>): string {
  const named = field.endsWith(PROPERTY_NAME_SUFFIX) ? field.slice(0, -PROPERTY_NAME_SUFFIX.length) : field;
  const segments = named.split('.');
  const kept = segments.findIndex((s) => !declared.has(s) && !FIXED_SEGMENT.test(s));
  if (kept === -1) return field;
  return [...segments.slice(0, kept), '…'].join('.');
}

/** Field errors fit to keep in clear (see {@link scrubField}, {@link scrubText}). */
export const scrubFieldErrors = (errors: readonly FieldError[], declared: ReadonlySet<string>): FieldError[] =>
  errors.map((e) => ({ field: scrubField(e.field, declared), message: scrubText(e.message) }));

/** A dead letter's id: `<partition>-<offset>` of its record on `complaints.dlq`, where the broker put it. */
export const DeadLetterIdSchema = z.string().regex(/^\d{1,9}-\d{1,19}$/, 'must be <partition>-<offset>, e.g. 2-1234');

/**
 * What `complaints.dlq.replays` records for each dead letter an operator replayed (`redress dlq
 * replay`): which letter, the event it became and where it was published, whether it was fixed first,
 * by whom and when. Ids and places only, no content. A letter with a replay record is not replayed
 * again; one replayed twice at the same moment is still applied once (the bridge drops an event id it
 * has seen).
 */
export const DeadLetterReplaySchema = z.strictObject({
  replayOf: DeadLetterIdSchema,
  eventId: z.string(),
  complaintId: z.string(),
  /** Where the replayed message was published: the letter's source topic. */
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  /** True when the operator supplied a fixed message; false when the original was published again. */
  fixed: z.boolean(),
  /** The API key id that replayed it. */
  by: z.string(),
  replayedAt: z.string(),
});
/** See {@link DeadLetterReplaySchema}. */
export type DeadLetterReplay = z.infer<typeof DeadLetterReplaySchema>;

import { z } from 'zod';

/**
 * The dead-letter contract of `complaints.dlq` (DESIGN §4, docs/events.md): owned here, with the other
 * event schemas, so the JSON Schema generator and consumers take it from the domain; the bridge's
 * `workers/bridge/dead-letter.ts` builds the records (bounding their size) and publishes them.
 */

/** Some original bytes of a dead-lettered message, as the record carries them. */
export const DeadLetterBytesSchema = z.strictObject({
  /** The bytes, base64; null when the message had none. */
  base64: z.string().nullable(),
  size: z.number().int().min(0),
  sha256: z.string().nullable(),
  truncated: z.boolean(),
});

/**
 * What the bridge publishes on `complaints.dlq` for an input it cannot accept (a contract, DESIGN §4):
 * why, where it came from, and the original bytes, so a person can fix and replay it. `original.key`
 * and `original.value` are base64 (plain strings, as the first version had them); `keyBytes` and
 * `valueBytes` add the size, the SHA-256 of the whole original and whether it was truncated.
 */
export const DeadLetterSchema = z.strictObject({
  /** A stable code for the kind of rejection (see docs/events.md), for dashboards and replay tools. */
  code: z.string(),
  /** Why, in words: the first field errors, the Temporal refusal, … (may quote field names, never values). */
  reason: z.string(),
  errors: z.array(z.strictObject({ field: z.string(), message: z.string() })),
  source: z.strictObject({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    timestamp: z.string(),
  }),
  original: z.strictObject({
    key: z.string().nullable(),
    value: z.string().nullable(),
    valueBytes: DeadLetterBytesSchema,
    keyBytes: DeadLetterBytesSchema,
    headers: z.record(z.string(), z.string()),
  }),
  /** The event id and complaint id when the envelope was valid (facts Temporal refused), else absent. */
  eventId: z.string().optional(),
  complaintId: z.string().optional(),
  rejectedAt: z.string(),
});
/** See {@link DeadLetterSchema}. */
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
/** See {@link DeadLetterBytesSchema}. */
export type DeadLetterBytes = z.infer<typeof DeadLetterBytesSchema>;

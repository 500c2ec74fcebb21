import { z } from 'zod';
import { ConversationEntrySchema, type ConversationEntry } from '../../domain/conversation';
import { AttachmentSchema } from '../../domain/letters/firm-settings';
import { customerLetters, type SentLetter } from '../../store/letters';
import { ACCESS } from './auth';
import { ApiError } from './errors';
import { route, type RouteDeps, type RouteSpec } from './route';
import { ComplaintIdParamsSchema } from './schemas';

/**
 * `GET /complaints/:id/conversation`: every message in and out of a complaint, in order (the
 * workflow's conversation, domain/conversation.ts), each letter with the subject and body the mailer
 * was sent (the store's copy, with its SHA-256; the body kept sealed there and opened with the payload
 * key ring, store/letters.ts). Personal text, so for the roles that read complaints (operator,
 * supervisor, auditor) and never for `service`.
 *
 * Once Temporal has forgotten a closed complaint, the store still holds its letters: the answer is
 * those alone, marked `source: store` and `partial`, since replies and notes lived in the workflow.
 */

export const ConversationQuerySchema = z.strictObject({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'The previous page’s `nextAfter`: entries after this sequence number' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const SentSchema = z
  .object({
    subject: z.string(),
    body: z
      .string()
      .nullable()
      .meta({ description: 'The body as sent; null when the store’s sealed copy cannot be opened (see `bodyError`)' }),
    bodyError: z
      .string()
      .optional()
      .meta({ description: 'Why the body could not be opened (e.g. the key ring lacks its key); absent when it was' }),
    bodySha256: z.string().meta({ description: 'SHA-256 (hex) of the body as sent' }),
    locale: z.string(),
    at: z.string(),
    attachments: z.array(AttachmentSchema).meta({ description: 'Documents enclosed, by reference' }),
  })
  .meta({ description: 'The letter as the mailer was sent it (absent until the store has it)' });

const EntrySchema = z.union([
  // Each kind of entry the workflow holds; a letter is joined with what the mailer was sent (`sent`).
  ...ConversationEntrySchema.options.map((entry) => entry.extend({ sent: SentSchema.optional() })),
  // A letter from the store alone (Temporal no longer holds the complaint).
  z.object({
    seq: z.number(),
    at: z.string(),
    kind: z.literal('letter'),
    direction: z.literal('out'),
    letter: z.string(),
    channel: z.string(),
    idempotencyKey: z.string(),
    sent: SentSchema,
  }),
]);

export const ConversationSchema = z.object({
  complaintId: z.string(),
  source: z.enum(['workflow', 'store']),
  partial: z
    .boolean()
    .meta({ description: 'True when some of the conversation is no longer held (see `dropped`, `source`)' }),
  dropped: z.number().meta({ description: 'Older entries the workflow let go to stay bounded' }),
  // A union of whole objects, not an intersection: in JSON Schema an `allOf` of two closed objects
  // (additionalProperties: false each) matches nothing, so the document contradicted every answer.
  entries: z.array(EntrySchema),
  nextAfter: z.number().optional().meta({ description: 'Absent on the last page' }),
});
/** One page of a conversation, as the API answers it. */
export type Conversation = z.infer<typeof ConversationSchema>;
type Entry = Conversation['entries'][number];

const sentOf = (l: SentLetter) => ({
  subject: l.subject,
  body: l.body,
  ...(l.body === null ? { bodyError: l.bodyError } : {}),
  bodySha256: l.bodySha256,
  locale: l.locale,
  at: l.occurredAt,
  attachments: l.attachments,
});

/** The workflow's entries, each letter joined with what the mailer was sent. */
function joined(entries: readonly ConversationEntry[], letters: readonly SentLetter[]): Entry[] {
  const byKey = new Map(letters.map((l) => [l.idempotencyKey, l]));
  return entries.map((e) => {
    const sent = e.kind === 'letter' ? byKey.get(e.idempotencyKey) : undefined;
    return sent ? { ...e, sent: sentOf(sent) } : e;
  });
}

export function conversationRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/complaints/:id/conversation',
      operationId: 'getConversation',
      summary: 'A complaint’s conversation',
      description:
        'Every message in and out, oldest first: the complaint (description, desired outcome), replies, survey answers, letters (with the text sent) and internal notes. Personal text: operator, supervisor and auditor only. Paged by sequence number.',
      tag: 'complaints',
      access: ACCESS.read,
      what: 'read complaints',
      params: ComplaintIdParamsSchema,
      query: ConversationQuerySchema,
      responses: { 200: { description: 'One page of the conversation', schema: ConversationSchema } },
      handler: async (ctx) => {
        const id = ctx.params.id;
        const letters = deps.store ? await customerLetters(deps.store, id, deps.seal) : [];
        let whole: Omit<Conversation, 'nextAfter'>;
        try {
          const page = await deps.complaints.conversation(id);
          whole = {
            complaintId: id,
            source: 'workflow',
            partial: page.dropped > 0,
            dropped: page.dropped,
            entries: joined(page.entries, letters),
          };
        } catch (err) {
          // Temporal forgets a closed complaint after its retention; its letters are in the store.
          if (!(err instanceof ApiError && err.statusCode === 404 && letters.length > 0)) throw err;
          whole = {
            complaintId: id,
            source: 'store',
            partial: true,
            dropped: 0,
            entries: letters.map((l, i) => ({
              seq: i + 1,
              at: l.occurredAt,
              kind: 'letter' as const,
              direction: 'out' as const,
              letter: l.kind,
              channel: l.channel,
              idempotencyKey: l.idempotencyKey,
              sent: sentOf(l),
            })),
          };
        }
        const after = ctx.query.after ?? 0;
        const rest = whole.entries.filter((e) => e.seq > after);
        const page = rest.slice(0, ctx.query.limit);
        const last = page[page.length - 1];
        return {
          body: { ...whole, entries: page, ...(rest.length > page.length && last ? { nextAfter: last.seq } : {}) },
        };
      },
    }),
  ];
}

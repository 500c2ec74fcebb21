import { z } from 'zod';
import { DeadLetterIdSchema, DeadLetterReplaySchema } from '../../domain/dead-letter';
import { ACCESS } from './auth';
import { DeadLetterSummarySchema, OpenedDeadLetterSchema, type DeadLetters } from './dead-letters';
import { route, type RouteSpec } from './route';
import { FilterValueSchema } from './schemas';

/**
 * The dead letters for operators and supervisors (`redress dlq show`, `redress dlq replay`): the
 * original messages hold the customer's words, so reading one and replaying one take the `act` roles,
 * and each is logged with the caller's key id (clients/api/dead-letters.ts).
 */

const DeadLetterParamsSchema = z.strictObject({ id: DeadLetterIdSchema });

const DeadLetterQuerySchema = z.strictObject({
  code: z
    .string()
    .regex(/^[a-z-]{1,40}$/, 'must be a dead-letter code such as invalid-data (docs/events.md)')
    .optional(),
  complaint: FilterValueSchema.optional().meta({
    description: 'Only letters of this complaint id (letters whose envelope was valid carry it)',
  }),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Only letters rejected at or after this instant' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const ReplayBodySchema = z
  .strictObject({
    message: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'The fixed message (an event envelope) to publish instead of the original' }),
  })
  .optional();

const ReplayAnswerSchema = z.strictObject({ replay: DeadLetterReplaySchema, alreadyReplayed: z.boolean() });

/** The dead-letter routes, over the process's {@link DeadLetters}. */
export function deadLetterRoutes(deadLetters: DeadLetters): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/dead-letters',
      operationId: 'listDeadLetters',
      summary: 'List dead letters',
      description:
        'The inputs the bridge and the projector refused, newest first, by their clear facts only (code, reason and field errors scrubbed of input text, source, ids, sizes) and each one’s replay if it had one. The originals stay sealed: `GET /dead-letters/{id}` opens one.',
      tag: 'operations',
      access: ACCESS.act,
      what: 'read dead letters',
      query: DeadLetterQuerySchema,
      // It reads the dead-letter topics, so it can answer 503 when Kafka does not answer in time.
      waitsOnWorker: true,
      responses: {
        200: { description: 'The letters', schema: z.strictObject({ items: z.array(DeadLetterSummarySchema) }) },
      },
      handler: async ({ query }) => ({
        body: {
          items: await deadLetters.list({
            limit: query.limit,
            ...(query.code === undefined ? {} : { code: query.code }),
            ...(query.complaint === undefined ? {} : { complaintId: query.complaint }),
            ...(query.since === undefined ? {} : { since: Date.parse(query.since) }),
          }),
        },
      }),
    }),
    route({
      method: 'GET',
      path: '/dead-letters/:id',
      operationId: 'showDeadLetter',
      summary: 'Open one dead letter',
      description:
        'The letter with its original opened with the payload key ring: key, value (as text when UTF-8, always base64), headers, the full reason and field errors. It holds personal data: the read is logged with the caller’s key id.',
      tag: 'operations',
      access: ACCESS.act,
      what: 'read dead letters',
      params: DeadLetterParamsSchema,
      responses: { 200: { description: 'The letter, opened', schema: OpenedDeadLetterSchema } },
      handler: async ({ params, principal }) => ({
        body: await deadLetters.show(params.id, principal?.id ?? 'unknown'),
      }),
    }),
    route({
      method: 'POST',
      path: '/dead-letters/:id/replay',
      operationId: 'replayDeadLetter',
      summary: 'Replay one dead letter',
      description:
        'Publishes the original (or the fixed `message`) to the letter’s source topic, keyed by its complaint id, and records the replay on complaints.dlq.replays. Once: a letter already replayed answers its replay record with `alreadyReplayed: true` and publishes nothing (and the bridge applies an event id once, should two replays race). A message that would be dead-lettered again is refused with 400 and its field errors; a letter from a topic Redress writes itself, or one whose original was truncated and no fix given, with 409.',
      tag: 'operations',
      access: ACCESS.act,
      what: 'replay dead letters',
      params: DeadLetterParamsSchema,
      body: ReplayBodySchema,
      conflicts: true,
      responses: { 200: { description: 'Replayed now, or earlier', schema: ReplayAnswerSchema } },
      handler: async ({ params, body, principal }) => ({
        body: await deadLetters.replay(params.id, body?.message, principal?.id ?? 'unknown'),
      }),
    }),
  ];
}

import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../../config';
import { ComplaintIdSchema, ComplaintSchema } from '../../domain/complaint';
import { complaintWorkflowId } from '../../domain/ids';
import { fieldErrors } from '../../domain/validation';
import { COMPLAINT_WORKFLOW, statusQuery, type ComplaintInput, type ComplaintStatus } from '../../workflows/messages';
import { ApiError, badRequest, notFound } from './errors';

/** `POST /complaints`: the complaint as upstream systems describe it, with its id; receipt defaults to now. */
export const CreateComplaintSchema = ComplaintSchema.extend({
  complaintId: ComplaintIdSchema,
  receivedAt: ComplaintSchema.shape.receivedAt.optional(),
});

const ParamsSchema = z.object({ id: ComplaintIdSchema });

export interface ApiDeps {
  config: Config;
  client: Client;
  logger: Logger;
  /** Kafka and Temporal reachability, for /health. */
  health?: () => Promise<Record<string, boolean>>;
}

/** Parses with zod or throws a 400 naming every invalid field. */
function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(`invalid ${what}`, fieldErrors(result.error));
  return result.data;
}

/** The HTTP API (DESIGN §5). Built without listening, so tests can inject requests. */
export function buildApi({ config, client, logger, health }: ApiDeps): FastifyInstance {
  // Typed as Fastify's logger so the app is a plain FastifyInstance for its callers.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({ loggerInstance, bodyLimit: 1024 * 1024 });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return reply.status(err.statusCode).send(err.body());
    const statusCode = (err as { statusCode?: number }).statusCode;
    if (statusCode === 413)
      return reply.status(413).send({ error: 'payload_too_large', message: 'request body is too large' });
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      return reply.status(statusCode).send({ error: 'bad_request', message: (err as Error).message });
    }
    logger.error({ err }, 'request failed');
    return reply.status(500).send({ error: 'internal', message: 'internal error; see the server log' });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}` }),
  );

  const queryStatus = async (complaintId: string): Promise<ComplaintStatus> => {
    try {
      return await client.workflow.getHandle(complaintWorkflowId(complaintId)).query(statusQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`no complaint ${complaintId}`);
      throw err;
    }
  };

  app.post('/complaints', async (req, reply) => {
    const body = parse(CreateComplaintSchema, req.body, 'complaint');
    const { complaintId, ...rest } = body;
    const input: ComplaintInput = {
      complaintId,
      complaint: { ...rest, receivedAt: rest.receivedAt ?? new Date().toISOString() },
      openedBy: { eventId: `api:${complaintId}`, source: 'api' },
    };
    let created = true;
    try {
      await client.workflow.start(COMPLAINT_WORKFLOW, {
        workflowId: complaintWorkflowId(complaintId),
        taskQueue: config.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      created = false; // The same complaint again: answer with the one that exists, never a second.
    }
    const status = await queryStatus(complaintId);
    return reply
      .status(created ? 201 : 200)
      .header('location', `/complaints/${encodeURIComponent(complaintId)}`)
      .send(status);
  });

  app.get('/complaints/:id', async (req) => {
    const { id } = parse(ParamsSchema, req.params, 'path');
    return queryStatus(id);
  });

  app.get('/health', async (_req, reply) => {
    const checks = health ? await health() : {};
    const ok = Object.values(checks).every(Boolean);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks });
  });

  return app;
}

import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { ACTION_NAMES, ACTIONS, type ActionBody, type ActionName } from '../../domain/actions';
import * as m from '../../workflows/messages';
import type { ComplaintStatus } from '../../workflows/messages';
import type { Access } from './auth';
import { ApiError, badRequest } from './errors';
import { route, type RouteContext, type RouteDeps, type ResponseDoc, type RouteSpec } from './route';
import { ComplaintIdParamsSchema, ComplaintStatusSchema } from './schemas';

/**
 * The action routes, derived from the action registry (domain/actions): one `POST
 * /complaints/:id/<path>` per action, with the registry's input schema, roles and words. The workflow
 * checks the same entry, so a role the API lets through that the complaint's state refuses answers 409,
 * and a refusal about who asks (reassigning without being a supervisor) answers 403.
 */

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;
/** The header as the document states it, so a client (or a fuzzer) knows what the route accepts. */
const IdempotencyKeySchema = z.string().regex(IDEMPOTENCY_KEY);

/**
 * The caller's Idempotency-Key and the update id it becomes (per caller, so two callers' keys never
 * collide). The id is the key alone, not the key and the body's hash: then Temporal admits one update per
 * key, and a reuse with another body meets the first update and is caught (idempotency.ts) rather than
 * run as a second action.
 */
function updateIdFrom(ctx: RouteContext<unknown, unknown, unknown>): { key: string; updateId: string } | undefined {
  const key = ctx.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw badRequest('invalid Idempotency-Key', [
      { field: 'Idempotency-Key', message: 'must be 1-100 letters, digits, dot, underscore, colon or hyphen' },
    ]);
  }
  return { key, updateId: `api:${ctx.principal?.id ?? ''}:${key}` };
}

/** Whether a failure is the workflow's answer to an update (which may be another request's, under its key). */
const isWorkflowAnswer = (err: unknown): boolean =>
  err instanceof ApiError && (err.statusCode === 409 || err.statusCode === 403);

const STATUS_RESPONSE: ResponseDoc = {
  description: 'The action was applied: the complaint after it',
  schema: ComplaintStatusSchema,
};

/** Checks an action needs before it reaches the workflow, because only the API has what they need. */
const PRECHECKS: { [N in ActionName]?: (deps: RouteDeps, id: string, body: ActionBody<N>) => Promise<void> } = {
  // The regime's limit needs the complaint's calendar; the workflow holds the same rule.
  extend: async (deps, id, body) => deps.instants.extension(await deps.complaints.status(id), body.expectedBy),
};

function actionRoute<N extends ActionName>(deps: RouteDeps, name: N): RouteSpec {
  const a = ACTIONS[name];
  const precheck = PRECHECKS[name];
  return route({
    method: 'POST',
    path: `/complaints/:id/${a.path}`,
    operationId: a.name,
    summary: a.summary,
    description: `${a.description} Answers 409 with the workflow's reason when the complaint's stage does not allow it.`,
    tag: 'actions',
    access: a.roles as Access,
    what: a.what,
    params: ComplaintIdParamsSchema,
    body: a.input,
    headers: [
      {
        name: 'Idempotency-Key',
        schema: IdempotencyKeySchema,
        description:
          'Makes a retried request return the first one’s result instead of acting twice. Bound to the action and its body: the same key with another action or body answers 422 and does nothing',
      },
    ],
    conflicts: true,
    responses: { 200: STATUS_RESPONSE },
    handler: async (ctx) => {
      const principal = ctx.principal!;
      const idempotency = updateIdFrom(ctx);
      const body = ctx.body as ActionBody<N>;
      await precheck?.(deps, ctx.params.id, body);
      const update = m.ACTION_UPDATES[name] as UpdateDefinition<ComplaintStatus, [never]>;
      let status: ComplaintStatus | undefined;
      let failure: Error | undefined;
      try {
        status = await deps.complaints.act(
          ctx.params.id,
          a.name,
          update,
          body as never,
          { id: principal.id, role: principal.role },
          idempotency?.updateId,
        );
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
      }
      // An outcome under a key may be the first request's: answer it only if this request is that one.
      if (idempotency && (failure === undefined || isWorkflowAnswer(failure))) {
        await deps.idempotency.check(ctx.params.id, idempotency.updateId, idempotency.key, update.name, body);
      }
      if (failure !== undefined) throw failure;
      return { body: status };
    },
  });
}

/** Every action's route, in the registry's order. */
export function actionRoutes(deps: RouteDeps): RouteSpec[] {
  return ACTION_NAMES.map((name) => actionRoute(deps, name));
}

import type { UpdateDefinition } from '@temporalio/common';
import { ACTION_NAMES, ACTIONS, type ActionBody, type ActionName } from '../../domain/actions';
import * as m from '../../workflows/messages';
import type { ComplaintStatus } from '../../workflows/messages';
import type { Access } from './auth';
import { badRequest } from './errors';
import { route, type RouteContext, type RouteDeps, type ResponseDoc, type RouteSpec } from './route';
import { ComplaintIdParamsSchema, ComplaintStatusSchema } from './schemas';

/**
 * The action routes, derived from the action registry (domain/actions): one `POST
 * /complaints/:id/<path>` per action, with the registry's input schema, roles and words. The workflow
 * checks the same entry, so a role the API lets through that the complaint's state refuses answers 409,
 * and a refusal about who asks (reassigning without being a supervisor) answers 403.
 */

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's Idempotency-Key as an update id (per caller, so two callers' keys never collide). */
function updateIdFrom(ctx: RouteContext<unknown, unknown, unknown>): string | undefined {
  const key = ctx.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw badRequest('invalid Idempotency-Key', [
      { field: 'Idempotency-Key', message: 'must be 1-100 letters, digits, dot, underscore, colon or hyphen' },
    ]);
  }
  return `api:${ctx.principal?.id ?? ''}:${key}`;
}

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
        description: 'Makes a retried request return the first one’s result instead of acting twice',
      },
    ],
    conflicts: true,
    responses: { 200: STATUS_RESPONSE },
    handler: async (ctx) => {
      const principal = ctx.principal!;
      const updateId = updateIdFrom(ctx);
      const body = ctx.body as ActionBody<N>;
      await precheck?.(deps, ctx.params.id, body);
      const status = await deps.complaints.act(
        ctx.params.id,
        a.name,
        m.ACTION_UPDATES[name] as UpdateDefinition<ComplaintStatus, [never]>,
        body as never,
        { id: principal.id, role: principal.role },
        updateId,
      );
      return { body: status };
    },
  });
}

/** Every action's route, in the registry's order. */
export function actionRoutes(deps: RouteDeps): RouteSpec[] {
  return ACTION_NAMES.map((name) => actionRoute(deps, name));
}

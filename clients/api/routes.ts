import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import type { Principal } from '../../config/api-keys';
import * as m from '../../workflows/messages';
import type { ActionBase, ComplaintStatus } from '../../workflows/messages';
import { ACCESS, type Access } from './auth';
import type { Complaints } from './complaints';
import { complaintRecord } from '../../store/queries';
import { ApiError, badRequest, forbidden } from './errors';
import type { Queryable } from '../../store/db';
import type { InstantChecks } from './instants';
import { listComplaints, listFromStore, type ListScope } from './list';
import { reportRoutes } from './reports';
import type { ApiMetrics } from './metrics';
import {
  ApologiseBodySchema,
  AskQuestionBodySchema,
  AssignBodySchema,
  ComplaintDetailSchema,
  ComplaintIdParamsSchema,
  ComplaintListSchema,
  ComplaintStatusSchema,
  CreateComplaintSchema,
  StoredComplaintSchema,
  DecideRemedyBodySchema,
  EscalateBodySchema,
  ExtendBodySchema,
  HealthSchema,
  ListQuerySchema,
  ProposeRemedyBodySchema,
  RecordAccountBodySchema,
  ResolveBodySchema,
  SkipApologyBodySchema,
  TimelineSchema,
  WithdrawBodySchema,
} from './schemas';

/**
 * Every route of the API as data: method, path, who may call it, the zod schemas of its input and
 * output, and its handler. The app registers exactly these and the OpenAPI document is generated from
 * exactly these, so neither can leave a route out.
 */

/** What a handler gets: its input parsed by the route's schemas, and the caller. */
export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/** What a handler answers: a status (200 unless said), headers, and a JSON body (or text with a content type). */
export interface RouteResult {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  contentType?: string;
}

/** A documented success response. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Not JSON: the media type (e.g. Prometheus text). */
  contentType?: string;
  headers?: Record<string, string>;
}

/** One route: what the app registers and the OpenAPI document describes. */
export interface RouteSpec {
  method: 'GET' | 'POST';
  /** Fastify syntax: `/complaints/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'complaints' | 'actions' | 'operations';
  access: Access;
  /** For a 403: "the auditor role cannot <what>". */
  what: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Request headers worth documenting (Idempotency-Key). */
  headers?: Array<{ name: string; description: string }>;
  responses: Record<number, ResponseDoc>;
  /** Error statuses beyond those the route's shape implies (see openapi.ts). */
  conflicts?: boolean;
  /** Waits on a worker (a complaint's query or update), so it can answer 503; implied by `:id` paths. */
  waitsOnWorker?: boolean;
  handler: (ctx: RouteContext<unknown, unknown, unknown>) => Promise<RouteResult>;
}

/** Declares a route with its handler typed by its schemas. */
export function route<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
>(
  spec: Omit<RouteSpec, 'handler' | 'params' | 'query' | 'body'> & {
    params?: P;
    query?: Q;
    body?: B;
    handler: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<RouteResult>;
  },
): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** What the routes need from the rest of the process. */
export interface RouteDeps {
  complaints: Complaints;
  client: Parameters<typeof listComplaints>[0];
  scope: ListScope;
  listScanLimit: number;
  /** The complaint store, when the API has one: lists come from it (and complaints Temporal forgot). */
  store?: Queryable;
  metrics: ApiMetrics;
  /** The instant rules every supplied instant must meet (domain/instant-rules.ts). */
  instants: InstantChecks;
  health: () => Promise<Record<string, boolean>>;
  openApi: () => unknown;
}

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

/** One human action: `POST /complaints/:id/<path>`, a workflow update run as the caller. */
function action<I extends ActionBase>(
  deps: RouteDeps,
  a: {
    path: string;
    name: string;
    update: UpdateDefinition<ComplaintStatus, [I]>;
    body: z.ZodType<Omit<I, 'actor'>>;
    access: Access;
    summary: string;
    description: string;
    what: string;
    /** A check before the update, for refusals that are about the caller rather than the complaint. */
    precheck?: (id: string, body: Omit<I, 'actor'>, principal: Principal) => Promise<void>;
  },
): RouteSpec {
  return route({
    method: 'POST',
    path: `/complaints/:id/${a.path}`,
    operationId: a.name,
    summary: a.summary,
    description: `${a.description} Answers 409 with the workflow's reason when the complaint's stage does not allow it.`,
    tag: 'actions',
    access: a.access,
    what: a.what,
    params: ComplaintIdParamsSchema,
    body: a.body,
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
      await a.precheck?.(ctx.params.id, ctx.body, principal);
      const status = await deps.complaints.act(
        ctx.params.id,
        a.name,
        a.update,
        ctx.body,
        { id: principal.id, role: principal.role },
        updateId,
      );
      return { body: status };
    },
  });
}

/** Every route of the API. */
export function apiRoutes(deps: RouteDeps): RouteSpec[] {
  const { complaints } = deps;
  return [
    route({
      method: 'POST',
      path: '/complaints',
      operationId: 'submitComplaint',
      summary: 'Submit a complaint',
      description:
        'Starts the complaint’s lifecycle. The same complaintId again answers 200 with the complaint that exists, never a second one. A `receivedAt` more than 5 minutes in the future, or before the earliest policy in force (2020-01-01 for the shipped policies), is refused with 400.',
      tag: 'complaints',
      access: ACCESS.submit,
      what: 'submit complaints',
      body: CreateComplaintSchema,
      // The status of a complaint that already exists comes from its worker.
      waitsOnWorker: true,
      responses: {
        201: {
          description: 'Created: its status',
          schema: ComplaintStatusSchema,
          headers: { Location: 'The complaint’s URL' },
        },
        200: {
          description: 'A complaint with this id exists: its status',
          schema: ComplaintStatusSchema,
          headers: { Location: 'The complaint’s URL' },
        },
        202: {
          description:
            'Started, but no worker has taken it in yet (none running, or all busy): its status as received, regime pending',
          schema: ComplaintStatusSchema,
          headers: { Location: 'The complaint’s URL' },
        },
      },
      handler: async (ctx) => {
        deps.instants.submission(ctx.body);
        const { created, accepted, status } = await complaints.submit(ctx.body, ctx.principal?.id ?? 'unknown');
        return {
          status: accepted ? 202 : created ? 201 : 200,
          headers: { location: `/complaints/${encodeURIComponent(status.complaintId)}` },
          body: status,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/complaints',
      operationId: 'listComplaints',
      summary: 'List complaints',
      description:
        'Filters combine with AND. Sorted by next deadline (complaints without one last), then id; pass nextCursor back as cursor, with the same filters, for the next page. Read from the complaint store (or, without one, Temporal visibility): a moment behind the workflows.',
      tag: 'complaints',
      access: ACCESS.read,
      what: 'read complaints',
      query: ListQuerySchema,
      responses: { 200: { description: 'One page', schema: ComplaintListSchema } },
      handler: async (ctx) => ({
        body: deps.store
          ? await listFromStore(deps.store, ctx.query)
          : await listComplaints(deps.client, deps.scope, ctx.query, { scanLimit: deps.listScanLimit }),
      }),
    }),
    route({
      method: 'GET',
      path: '/complaints/:id',
      operationId: 'getComplaint',
      summary: 'A complaint’s status and timeline',
      description: 'Stage, owner, clocks with deadlines and time left, breaches, remedy, and every change so far.',
      tag: 'complaints',
      access: ACCESS.read,
      what: 'read complaints',
      params: ComplaintIdParamsSchema,
      responses: {
        200: {
          description: 'The complaint, from its workflow; once Temporal no longer holds it, its record from the store',
          schema: ComplaintDetailSchema.or(StoredComplaintSchema),
        },
      },
      handler: async (ctx) => {
        try {
          // One after the other: while a complaint's workflow task is pending, Temporal buffers one
          // query per workflow and refuses a second at once; the second is quick once the first answered.
          const status = await complaints.status(ctx.params.id);
          const timeline = await complaints.timeline(ctx.params.id);
          return { body: { ...status, timeline } };
        } catch (err) {
          // Temporal forgets a closed complaint after its retention; the store keeps the record.
          const record =
            deps.store && err instanceof ApiError && err.statusCode === 404
              ? await complaintRecord(deps.store, ctx.params.id)
              : undefined;
          if (!record) throw err;
          return { body: { source: 'store', complaintId: ctx.params.id, ...record } };
        }
      },
    }),
    route({
      method: 'GET',
      path: '/complaints/:id/timeline',
      operationId: 'getTimeline',
      summary: 'A complaint’s timeline',
      description: 'Every change, oldest first: who, what, when, why.',
      tag: 'complaints',
      access: ACCESS.read,
      what: 'read complaints',
      params: ComplaintIdParamsSchema,
      responses: { 200: { description: 'The timeline', schema: TimelineSchema } },
      handler: async (ctx) => ({
        body: { complaintId: ctx.params.id, entries: await complaints.timeline(ctx.params.id) },
      }),
    }),

    action(deps, {
      path: 'assignment',
      name: 'assign',
      update: m.assignUpdate,
      body: AssignBodySchema,
      access: ACCESS.act,
      summary: 'Assign the complaint',
      description: 'Gives the complaint an owner; reassigning one that has an owner needs a supervisor.',
      what: 'assign complaints',
      precheck: async (id, body, principal) => {
        if (principal.role === 'supervisor') return;
        const { assignee } = await complaints.status(id);
        if (assignee !== undefined && assignee !== body.assignee) {
          throw forbidden(`the complaint is assigned to ${assignee}; reassigning needs a supervisor`, {
            role: principal.role,
            allowed: ['supervisor'],
          });
        }
      },
    }),
    action(deps, {
      path: 'account',
      name: 'recordAccount',
      update: m.recordAccountUpdate,
      body: RecordAccountBodySchema,
      access: ACCESS.act,
      summary: 'Record the customer’s account (listening)',
      description: 'The customer’s own account; listening is done once they confirm it.',
      what: 'act on complaints',
    }),
    action(deps, {
      path: 'questions',
      name: 'askQuestion',
      update: m.askQuestionUpdate,
      body: AskQuestionBodySchema,
      access: ACCESS.act,
      summary: 'Ask the customer a question',
      description: 'Sends a clarifying question; clocks that pause while waiting on the customer pause.',
      what: 'act on complaints',
    }),
    action(deps, {
      path: 'apology',
      name: 'apologise',
      update: m.apologiseUpdate,
      body: ApologiseBodySchema,
      access: ACCESS.act,
      summary: 'Apologise',
      description: 'Sends the apology, recording whether fault is admitted.',
      what: 'act on complaints',
    }),
    action(deps, {
      path: 'apology/skip',
      name: 'skipApology',
      update: m.skipApologyUpdate,
      body: SkipApologyBodySchema,
      access: ACCESS.act,
      summary: 'Skip the apology, with a reason',
      description: 'Moves on to the remedy without an apology, recording why.',
      what: 'act on complaints',
    }),
    action(deps, {
      path: 'remedy',
      name: 'proposeRemedy',
      update: m.proposeRemedyUpdate,
      body: ProposeRemedyBodySchema,
      access: ACCESS.act,
      summary: 'Propose a remedy (or decline, with alternatives)',
      description:
        'Money above the policy threshold proposed by an operator waits for a supervisor’s approval; otherwise it is requested at once.',
      what: 'act on complaints',
    }),
    action(deps, {
      path: 'remedy/decision',
      name: 'decideRemedy',
      update: m.decideRemedyUpdate,
      body: DecideRemedyBodySchema,
      access: ACCESS.supervise,
      summary: 'Approve or reject the remedy awaiting approval (supervisor)',
      description: 'A supervisor’s decision on a remedy above the policy threshold.',
      what: 'approve or reject remedies',
    }),
    action(deps, {
      path: 'extension',
      name: 'extend',
      update: m.extendUpdate,
      body: ExtendBodySchema,
      access: ACCESS.supervise,
      summary: 'Send a holding response (supervisor)',
      description:
        'Extends the final-response deadline where the regime allows it, saying why and by when. `expectedBy` must be in the future and within the regime’s limit (fca-payments: 35 business days after receipt; a year from now where the regime sets none), or 400.',
      what: 'extend deadlines',
      precheck: async (id, body) => deps.instants.extension(await complaints.status(id), body.expectedBy),
    }),
    action(deps, {
      path: 'escalation',
      name: 'escalate',
      update: m.escalateUpdate,
      body: EscalateBodySchema,
      access: ACCESS.act,
      summary: 'Escalate',
      description: 'Flags the complaint as escalated and alerts a supervisor.',
      what: 'act on complaints',
    }),
    action(deps, {
      path: 'withdrawal',
      name: 'withdraw',
      update: m.withdrawUpdate,
      body: WithdrawBodySchema,
      access: ACCESS.act,
      summary: 'Withdraw (the customer withdrew)',
      description: 'Ends the complaint as withdrawn; its clocks stop.',
      what: 'act on complaints',
    }),
    action(deps, {
      path: 'resolution',
      name: 'resolve',
      update: m.resolveUpdate,
      body: ResolveBodySchema,
      access: ACCESS.act,
      summary: 'Send the final response (or a summary resolution, or a CFPB response)',
      description: 'States the outcome and reasons with what the regime requires; the follow-up survey comes after.',
      what: 'act on complaints',
    }),

    route({
      method: 'GET',
      path: '/health',
      operationId: 'health',
      summary: 'Whether Temporal and Kafka are reachable',
      tag: 'operations',
      access: 'public',
      what: 'read health',
      responses: {
        200: { description: 'Every dependency answered', schema: HealthSchema },
        503: { description: 'A dependency did not answer', schema: HealthSchema },
      },
      handler: async () => {
        const checks = await deps.health();
        const ok = Object.values(checks).every(Boolean);
        return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', checks } };
      },
    }),
    route({
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description:
        'Complaints by stage, time to acknowledge and to resolve, breaches by clock, CSAT, reopens, the API’s requests, then the worker’s and the bridge’s metrics when configured.',
      tag: 'operations',
      access: 'public',
      what: 'read metrics',
      responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' } },
      handler: async () => {
        const { contentType, text } = await deps.metrics.render();
        return { body: text, contentType };
      },
    }),
    route({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This document',
      tag: 'operations',
      access: 'public',
      what: 'read the API description',
      responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
      handler: () => Promise.resolve({ body: deps.openApi() }),
    }),
    ...(deps.store ? reportRoutes(deps.store) : []),
  ];
}

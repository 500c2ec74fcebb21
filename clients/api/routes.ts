import { z } from 'zod';
import type { Principal } from '../../config/api-keys';
import { complaintEvents, complaintRecord, getComplaint } from '../../store/queries';
import { actionRoutes } from './action-routes';
import { conversationRoutes } from './conversation-routes';
import { deadLetterRoutes } from './dead-letter-routes';
import { draftRoutes } from './draft-routes';
import { ACCESS } from './auth';
import { ApiError } from './errors';
import { listComplaints, listFromStore } from './list';
import { reportRoutes } from './reports';
import { surveyRoutes } from './survey-routes';
import { route, type RouteDeps, type RouteSpec } from './route';
import {
  ComplaintDetailSchema,
  ComplaintIdParamsSchema,
  ComplaintListSchema,
  ComplaintStatusSchema,
  CreateComplaintSchema,
  HealthSchema,
  ListQuerySchema,
  StoredComplaintSchema,
  StoredTimelineSchema,
  SubmittedSchema,
  TimelineSchema,
} from './schemas';

export type { RouteContext, RouteDeps, RouteResult, RouteSpec, ResponseDoc } from './route';

/** What `POST /complaints` answers: the status to a role that may read it, the id alone otherwise. */
const SubmitAnswerSchema = ComplaintStatusSchema.or(SubmittedSchema);

/** Whether the caller may read complaints (and so see the status of the one it submitted). */
const mayRead = (principal: Principal | undefined): boolean =>
  principal !== undefined && (ACCESS.read as readonly string[]).includes(principal.role);

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
        'Starts the complaint’s lifecycle. The same complaintId again answers 200 with the complaint that exists, never a second one. A `receivedAt` more than 5 minutes in the future, or before the earliest policy in force (2020-01-01 for the shipped policies), is refused with 422. The `service` role (submit only) gets `{ complaintId }` alone, whatever the outcome: it may not read complaints, so submitting an id that exists must not tell it about that complaint.',
      tag: 'complaints',
      access: ACCESS.submit,
      what: 'submit complaints',
      body: CreateComplaintSchema,
      // The status of a complaint that already exists comes from its worker.
      waitsOnWorker: true,
      responses: {
        201: {
          description: 'Created: its status (the `service` role: its id only)',
          schema: SubmitAnswerSchema,
          headers: { Location: 'The complaint’s URL' },
        },
        200: {
          description: 'A complaint with this id exists: its status (the `service` role: its id only)',
          schema: SubmitAnswerSchema,
          headers: { Location: 'The complaint’s URL' },
        },
        202: {
          description:
            'Started, but no worker has taken it in yet (none running, or all busy): its status as received, regime pending (the `service` role: its id only)',
          schema: SubmitAnswerSchema,
          headers: { Location: 'The complaint’s URL' },
        },
      },
      handler: async (ctx) => {
        deps.instants.submission(ctx.body);
        const { created, accepted, status } = await complaints.submit(ctx.body, ctx.principal?.id ?? 'unknown');
        return {
          status: accepted ? 202 : created ? 201 : 200,
          headers: { location: `/complaints/${encodeURIComponent(status.complaintId)}` },
          // Roles that may read complaints get the status; a submit-only key learns the id it sent.
          body: mayRead(ctx.principal) ? status : { complaintId: status.complaintId },
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
          ? await listFromStore(deps.store, ctx.query, deps.search ? { search: deps.search } : {})
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
              ? await complaintRecord(deps.store, ctx.params.id, deps.seal)
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
      responses: {
        200: {
          description:
            'The timeline, from its workflow; once Temporal no longer holds it, the event log from the store (`source: "store"`)',
          schema: TimelineSchema.or(StoredTimelineSchema),
        },
      },
      handler: async (ctx) => {
        try {
          return { body: { complaintId: ctx.params.id, entries: await complaints.timeline(ctx.params.id) } };
        } catch (err) {
          // As GET /complaints/:id: past Temporal's retention, the record is the store's. The route's
          // roles were checked before the handler ran, so the store's answer is no wider than Temporal's.
          if (!(deps.store && err instanceof ApiError && err.statusCode === 404)) throw err;
          if (!(await getComplaint(deps.store, ctx.params.id))) throw err;
          const entries = await complaintEvents(deps.store, ctx.params.id);
          return { body: { source: 'store', complaintId: ctx.params.id, entries } };
        }
      },
    }),

    ...conversationRoutes(deps),
    ...actionRoutes(deps),
    ...draftRoutes(deps),

    route({
      method: 'GET',
      path: '/health',
      operationId: 'health',
      summary: 'Whether Temporal and Kafka are reachable',
      description:
        'Answered from the last probe for a few seconds (REDRESS_API_OPERATIONS_CACHE_MS), over the connections the API already holds; limited per address apart from other routes.',
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
        'Complaints by stage, time to acknowledge and to resolve, breaches by clock, CSAT, reopens, the API’s requests, then the worker’s and the bridge’s metrics when configured. Rendered at most once every few seconds (REDRESS_API_OPERATIONS_CACHE_MS); limited per address apart from other routes.',
      tag: 'operations',
      access: 'public',
      what: 'read metrics',
      responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' } },
      handler: async () => {
        const { contentType, text } = await deps.renderMetrics();
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
    ...(deps.store ? reportRoutes(deps.store, deps.productGroups) : []),
    ...(deps.store ? surveyRoutes(deps.store, deps.seal) : []),
    ...(deps.deadLetters ? deadLetterRoutes(deps.deadLetters) : []),
  ];
}

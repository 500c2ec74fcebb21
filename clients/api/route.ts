import type { SearchIndex } from '../../platform/search-index';
import type { z } from 'zod';
import type { Principal } from '../../config/api-keys';
import type { Queryable } from '../../store/db';
import type { ProductGroups } from '../../domain/product-groups';
import type { TextSeal } from '../../domain/sealed-text';
import type { Access } from './auth';
import type { Complaints } from './complaints';
import type { DeadLetters } from './dead-letters';
import type { IdempotencyBindings } from './idempotency';
import type { InstantChecks } from './instants';
import type { listComplaints, ListScope } from './list';
import type { ApiMetrics } from './metrics';

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
  /** A text media type the same answer may come in instead of JSON, when asked for (a report's `format=csv`). */
  alsoAs?: string;
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
  /**
   * The body as the OpenAPI document states it, when the route parses with a looser schema and checks
   * the rest itself (the drafts route: one shape per action); `body` otherwise.
   */
  bodyDocument?: z.ZodType;
  /** Request headers worth documenting (Idempotency-Key), with the schema the route checks them by. */
  headers?: Array<{ name: string; description: string; schema?: z.ZodType }>;
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
  /** What each Idempotency-Key was first used for (from the complaint's history). */
  idempotency: IdempotencyBindings;
  client: Parameters<typeof listComplaints>[0];
  scope: ListScope;
  listScanLimit: number;
  /** The complaint store, when the API has one: lists come from it (and complaints Temporal forgot). */
  store?: Queryable;
  /** The summaries' blind index, for the list's `search` (see ApiDeps). */
  search?: SearchIndex;
  /** The dead-letter topic for operators (see ApiDeps). */
  deadLetters?: DeadLetters;
  /** Opens the personal text the store keeps sealed (survey comments, letter bodies), with the payload key ring. */
  seal: TextSeal;
  /** The FCA return's product groups (platform/product-group-files.ts). */
  productGroups: ProductGroups;
  metrics: ApiMetrics;
  /** The instant rules every supplied instant must meet (domain/instant-rules.ts). */
  instants: InstantChecks;
  /** Reachability of the dependencies; cached briefly by the app (operations.ts). */
  health: () => Promise<Record<string, boolean>>;
  /** The metrics' text; cached briefly by the app, so a scrape storm renders once. */
  renderMetrics: () => Promise<{ contentType: string; text: string }>;
  openApi: () => unknown;
}

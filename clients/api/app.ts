import { AllowedMethods } from './allowed-methods';
import type { SearchIndex } from '../../platform/search-index';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Config } from '../../config';
import type { ApiKeyStore, Principal } from '../../config/api-keys';
import { loadPolicies } from '../../platform/policy-files';
import { loadOriginalProtection } from '../../platform/dead-letter-seal';
import { loadProductGroups } from '../../platform/product-group-files';
import { textSeal } from '../../platform/store-seal';
import type { ProductGroups } from '../../domain/product-groups';
import type { TextSeal } from '../../domain/sealed-text';
import type { Policy } from '../../domain/policy/schema';
import type { FieldError } from '../../domain/validation';
import type { Db } from '../../store/db';
import { authorize, identify } from './auth';
import { Complaints, type WorkerTimeouts } from './complaints';
import type { DeadLetters } from './dead-letters';
import { ApiError, invalidInput, tooManyRequests } from './errors';
import { parseJsonBody } from './json-body';
import { IdempotencyBindings } from './idempotency';
import { InstantChecks } from './instants';
import { ApiMetrics } from './metrics';
import { openApiDocument, openApiPath } from './openapi';
import { cachedFor, DEFAULT_OPERATIONS_CACHE_MS, DEFAULT_OPERATIONS_RATE_LIMIT } from './operations';
import { RateLimiter } from './rate-limit';
import { apiRoutes, type RouteSpec } from './routes';
import { registerWebPages } from '../web/pages';

/** The API's version, as the OpenAPI document states it. */
export const API_VERSION = '1.0.0';

/** Request bodies larger than this are refused with 413 before they are parsed. */
export const BODY_LIMIT = 1024 * 1024;

/** What the API is built from: the process's configuration, its Temporal client, logger and keys. */
export interface ApiDeps {
  config: Config;
  client: Client;
  logger: Logger;
  /** Who may call, and in which role. */
  keys: ApiKeyStore;
  /** Requests a minute per caller (default 600). */
  rateLimitPerMinute?: number;
  /** Complaints one list request may scan (default 10,000). */
  listScanLimit?: number;
  /** Kafka and Temporal reachability, for /health (answered from a cache, see operations.ts). */
  health?: () => Promise<Record<string, boolean>>;
  /** How long /health and /metrics answers are reused (default 2 s; REDRESS_API_OPERATIONS_CACHE_MS). */
  operationsCacheMs?: number;
  /** /health, /metrics and /openapi.json requests a minute per address, a bucket of their own (default 6,000). */
  operationsRateLimitPerMinute?: number;
  /**
   * Which proxies to believe about the client's address (X-Forwarded-For), as Fastify's `trustProxy`:
   * rate limits per address then use the real client's (REDRESS_API_TRUST_PROXY; default: none).
   */
  trustProxy?: TrustProxy;
  /** How long to wait for a worker to answer a query or take an action (defaults: 10 s and 30 s). */
  workerTimeouts?: WorkerTimeouts;
  /** The metrics behind /metrics; made here (visibility counts only) when not given. */
  metrics?: ApiMetrics;
  /** The policy catalogue the instant rules start from; by default the worker's (`loadPolicies()`). */
  policies?: readonly Policy[];
  /** The complaint store (DATABASE_URL): lists, and complaints Temporal no longer holds, come from it. */
  store?: Db;
  /** Opens what the store keeps sealed (survey comments, letter bodies); by default with the environment's payload key ring. */
  seal?: TextSeal;
  /** The FCA return's product groups; by default the shipped mapping and `REDRESS_FCA_PRODUCT_GROUPS_FILE`. */
  productGroups?: ProductGroups;
  /**
   * The summaries' blind index (platform/search-index.ts): submissions are indexed with it and the
   * list's `search` looks it up. The process always has one; without it, `search` answers 400.
   */
  search?: SearchIndex;
  /** The dead letters, read, opened and replayed for operators (`/dead-letters`); the process always has them. */
  deadLetters?: DeadLetters;
}

const registered = new WeakMap<FastifyInstance, Array<{ method: string; path: string }>>();
/** The routes an app registered (method and OpenAPI path), for tests that compare them with the document. */
export function registeredRoutes(app: FastifyInstance): Array<{ method: string; path: string }> {
  return [...(registered.get(app) ?? [])];
}

/**
 * Parses with zod or throws a 400 naming every invalid field: `customer.email` in a body, `stage` in a
 * query, each unknown key by name; the value as a whole is `(body)`, `(query)` or `(path)`.
 */
function parse(schema: z.ZodType | undefined, value: unknown, where: 'path' | 'query' | 'body'): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: FieldError[] = result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'unknown field' }));
    }
    return [{ field: path.length > 0 ? path.join('.') : `(${where})`, message: issue.message }];
  });
  // Bounded: a body of 90,000 unknown keys must not earn a 5 MB answer. The first few say what to fix.
  const fields = [...new Set(details.map((d) => d.field))];
  const shown = fields.slice(0, MAX_ERROR_DETAILS);
  const more = fields.length - shown.length;
  throw invalidInput(result.error.issues)(
    `invalid ${where}: ${shown.join(', ')}${more > 0 ? ` and ${more} more (${fields.length} in all)` : ''}`,
    details.slice(0, MAX_ERROR_DETAILS),
  );
}

/** Which proxies to believe: all (true), none (false), these addresses or CIDRs, or this many hops. */
export type TrustProxy = boolean | string | string[] | number;

/** {@link TrustProxy} as Fastify takes it (a hop count becomes proxy-addr's function of the hop index). */
function fastifyTrustProxy(trust: TrustProxy): boolean | string | string[] | ((addr: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_addr, hop) => hop < trust : trust;
}

/** A request as the log writes it: no query values, no headers (they carry keys). */
export function requestForLog(req: { url: string; method: string; ip: string }): Record<string, unknown> {
  const [path = '', query = ''] = req.url.split('?', 2);
  const keys = [...new Set([...new URLSearchParams(query).keys()])].sort();
  return { method: req.method, path, ...(keys.length > 0 ? { query: keys } : {}), remoteAddress: req.ip };
}

/** The most field errors one 400 lists (its `issues` counts them all). */
export const MAX_ERROR_DETAILS = 20;

/**
 * The HTTP API (DESIGN §5), built without listening so tests and the process can each listen where they
 * want. Every request is rate-limited per caller, then authenticated and authorised by its route's access
 * before its body is read; input is parsed with the route's zod schemas; errors are `{ error, message, details? }`.
 */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const { config, client, logger, keys } = deps;
  // Typed as Fastify's logger so the app is a plain FastifyInstance for its callers. Its request
  // serializer replaces Fastify's, which writes the URL with its query string: `?customer=…` is
  // personal data, so the log gets the path and the query's keys only.
  const loggerInstance: FastifyBaseLogger = logger.child({}, { serializers: { req: requestForLog } });
  const app = Fastify({
    loggerInstance,
    bodyLimit: BODY_LIMIT,
    ...(deps.trustProxy !== undefined ? { trustProxy: fastifyTrustProxy(deps.trustProxy) } : {}),
  });
  // JSON bodies are read as bytes and checked as the bridge checks Kafka events (see json-body.ts).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  const complaints = new Complaints(client, config.temporal.taskQueue, deps.workerTimeouts, deps.search);
  const scope = { taskQueue: config.temporal.taskQueue };
  const metrics =
    deps.metrics ??
    new ApiMetrics({
      client,
      scope,
      logger,
      receivedAtOf: async (id) => (await complaints.status(id)).receivedAt,
      ...(deps.store ? { store: deps.store } : {}),
    });
  const limiter = new RateLimiter(deps.rateLimitPerMinute ?? 600);
  // The public operations routes draw from a bucket of their own, so a keyless client that used up its
  // address's requests (or key guessing from it) cannot take /health or /metrics away from a monitor.
  const operationsLimiter = new RateLimiter(deps.operationsRateLimitPerMinute ?? DEFAULT_OPERATIONS_RATE_LIMIT);
  const operationsCacheMs = deps.operationsCacheMs ?? DEFAULT_OPERATIONS_CACHE_MS;
  const principals = new WeakMap<FastifyRequest, Principal>();
  const started = new WeakMap<FastifyRequest, number>();

  // One seal for the JSON routes and the pages: both open letter bodies the projector sealed.
  const seal = deps.seal ?? textSeal(loadOriginalProtection());
  let document: unknown;
  const routes: RouteSpec[] = apiRoutes({
    complaints,
    idempotency: new IdempotencyBindings(client),
    client,
    scope,
    listScanLimit: deps.listScanLimit ?? 10_000,
    ...(deps.store ? { store: deps.store } : {}),
    ...(deps.search ? { search: deps.search } : {}),
    ...(deps.deadLetters ? { deadLetters: deps.deadLetters } : {}),
    metrics,
    seal,
    productGroups: deps.productGroups ?? loadProductGroups(),
    instants: new InstantChecks(deps.policies ?? loadPolicies()),
    health: cachedFor(operationsCacheMs, deps.health ?? (() => Promise.resolve({}))),
    renderMetrics: cachedFor(operationsCacheMs, () => metrics.render()),
    openApi: () => (document ??= openApiDocument(routes, API_VERSION)),
  });
  const specs = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));

  const allowed = new AllowedMethods(routes);
  /** 405 with `Allow`: the path exists, the method does not (RFC 9110). */
  const methodNotAllowed = (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '';
    const methods = allowed.for(path) ?? [];
    return reply
      .status(405)
      .header('allow', methods.join(', '))
      .send({
        error: 'method_not_allowed',
        message: `${req.method} is not allowed on ${path}: use ${methods.join(', ')}`,
      });
  };
  app.setErrorHandler((err, req, reply) => {
    // A method no route has, refused by Fastify before the not-found handler (QUERY without a content
    // type): still "not this method" when the path exists.
    if (!(err instanceof ApiError) && !req.routeOptions.url && allowed.for(req.url))
      return methodNotAllowed(req, reply);
    if (err instanceof ApiError) return reply.status(err.statusCode).headers(err.headers).send(err.body());
    const statusCode = (err as { statusCode?: number }).statusCode;
    if (statusCode === 413) {
      return reply
        .status(413)
        .send({ error: 'payload_too_large', message: `request body is larger than ${BODY_LIMIT} bytes` });
    }
    if (statusCode === 415) {
      return reply.status(415).send({ error: 'unsupported_media_type', message: 'send the body as application/json' });
    }
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      // Fastify's own refusals (a body that is not JSON, an empty JSON body): name the body as the field.
      const message = (err as Error).message;
      return reply.status(statusCode).send({ error: 'bad_request', message, details: [{ field: '(body)', message }] });
    }
    logger.error({ err, route: req.routeOptions.url }, 'request failed');
    return reply.status(500).send({ error: 'internal', message: 'internal error; see the server log' });
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (allowed.for(path)) return methodNotAllowed(req, reply);
    return reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${path}` });
  });

  // Before the body is read: who is calling, are they within their rate, may they use this route.
  app.addHook('onRequest', (req, _reply, done) => {
    started.set(req, performance.now());
    try {
      const principal = identify(keys, req.headers);
      // Fastify answers HEAD with the GET route's handler: it needs the GET route's access.
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const spec = specs.get(`${method} ${req.routeOptions.url ?? ''}`);
      // Callers without a valid key share their address's bucket, which also slows down key guessing;
      // public routes are cached and cheap, and limited per address apart from everything else.
      const wait =
        spec?.access === 'public'
          ? operationsLimiter.take(`ip:${req.ip}`)
          : limiter.take(principal ? `key:${principal.id}` : `ip:${req.ip}`);
      if (wait > 0) throw tooManyRequests(wait);
      // No such route: the not-found handler answers.
      if (spec) authorize(spec.access, principal, req.headers, spec.what);
      if (principal) principals.set(req, principal);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
  // Every answer may carry personal data: no caching anywhere, and no content sniffing by a browser.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    const t0 = started.get(req);
    if (t0 !== undefined)
      metrics.requestSeconds.observe({ method: req.method, route }, (performance.now() - t0) / 1000);
  });

  const list: Array<{ method: string; path: string }> = [];
  registered.set(app, list);
  for (const spec of routes) {
    list.push({ method: spec.method, path: openApiPath(spec.path) });
    app.route({
      method: spec.method,
      url: spec.path,
      handler: async (req, reply) => {
        const ctx = {
          params: parse(spec.params, req.params, 'path'),
          query: parse(spec.query, req.query, 'query'),
          body: parse(spec.body, req.body, 'body'),
          principal: principals.get(req),
          headers: req.headers,
        };
        const result = await spec.handler(ctx);
        reply.status(result.status ?? 200).headers(result.headers ?? {});
        if (result.contentType) reply.type(result.contentType);
        return reply.send(result.body);
      },
    });
  }
  registerWebPages(app, {
    complaints,
    keys,
    logger,
    store: deps.store,
    seal,
    search: deps.search,
    policies: deps.policies,
  });
  return app;
}

import type { WorkerTimeouts } from '../../clients/api/complaints';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { API_ROLES, ApiKeyStore, generateApiKey, hashApiKey, type ApiRole } from '../../config/api-keys';
import { KafkaProbe, temporalAnswers } from '../../platform/health';
import { buildApi } from '../../clients/api/app';
import { Complaints } from '../../clients/api/complaints';
import { ApiMetrics, startLifecycleMetrics } from '../../clients/api/metrics';
import { startTestStack, type TestStack } from './stack';
import type { Db } from '../../store/db';
import type { SearchIndex } from '../../platform/search-index';
import { DEFAULT_CODEC_CORS_ORIGIN, registerCodecRoutes } from '../../clients/api/codec-routes';
import { DeadLetters } from '../../clients/api/dead-letters';
import { loadOriginalProtection } from '../../platform/dead-letter-seal';
import { loadPolicies } from '../../platform/policy-files';
import { testKafka } from './kafka';

/** A response read in full: status, headers, and the body as JSON (or text). */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  json: T;
  text: string;
}

/** The real API listening on a free port, in front of the real stack, with one key per role. */
export interface ApiHarness {
  stack: TestStack;
  api: FastifyInstance;
  base: string;
  /** A key for each role: `dev-…` ids, as a deployment's key file would list them. */
  keys: Record<ApiRole, string>;
  metrics: ApiMetrics;
  /** A real HTTP request as `as` (a role, a raw key, or nobody). */
  call<T = Record<string, unknown>>(
    as: ApiRole | { key: string } | null,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  stop(): Promise<void>;
}

/** Starts the stack and the API in front of it (see {@link ApiHarness}). */
export async function startApiHarness(
  name: string,
  opts: {
    rateLimitPerMinute?: number;
    /** Read the lifecycle topic into the metrics, as the API process does. */
    lifecycleMetrics?: boolean;
    /** Run the bridge, and serve its metrics over HTTP for /metrics to append. */
    bridgeMetrics?: boolean;
    /** A worker metrics endpoint for /metrics to append. */
    workerMetricsUrl?: string;
    /** Environment over the run's (e.g. TLS and SASL settings): the stack's config is loaded from it. */
    env?: NodeJS.ProcessEnv;
    /** How long the API waits for a worker to answer a read or an action (the API's defaults if absent). */
    workerTimeouts?: WorkerTimeouts;
    /** The complaint store the API reads lists (and complaints Temporal forgot) from. */
    store?: Db;
    /** The summaries' blind index, held by the API and the worker (the complaints it opens), as in a deployment. */
    search?: SearchIndex;
  } = {},
): Promise<ApiHarness> {
  const stack = await startTestStack(name, {
    bridge: opts.bridgeMetrics ?? false,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.search ? { search: opts.search } : {}),
  });
  const bridgeServer = stack.bridge ? await serveRegistry(stack.bridge.metrics.registry) : undefined;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const keys = Object.fromEntries(API_ROLES.map((role) => [role, generateApiKey()])) as Record<ApiRole, string>;
  const store = new ApiKeyStore(API_ROLES.map((role) => ({ id: `it-${role}`, role, sha256: hashApiKey(keys[role]) })));
  const scope = { taskQueue: stack.config.temporal.taskQueue };
  const complaints = new Complaints(stack.client, scope.taskQueue);
  const metrics = new ApiMetrics({
    client: stack.client,
    scope,
    logger,
    receivedAtOf: async (id) => (await complaints.status(id)).receivedAt,
    ...(opts.workerMetricsUrl ? { workerMetricsUrl: opts.workerMetricsUrl } : {}),
    ...(bridgeServer ? { bridgeMetricsUrl: bridgeServer.url } : {}),
  });
  const lifecycle = opts.lifecycleMetrics
    ? await startLifecycleMetrics(stack.config, `api-metrics-${scope.taskQueue}`, metrics, logger)
    : undefined;
  // As the API process probes: over the client it holds and one admin client, not a connection a call.
  const kafkaProbe = new KafkaProbe(stack.config.kafka.brokers, undefined, stack.config.kafka.security);
  // As the API process opens dead letters: with the run's payload key ring.
  const protection = loadOriginalProtection(process.env);
  const deadLetters = new DeadLetters({
    kafka: testKafka(stack.config.kafka.brokers.join(','), stack.config.kafka.security),
    topics: stack.config.topics,
    cipher: 'seal' in protection ? protection.seal : undefined,
    logger,
    policies: loadPolicies(),
  });
  const api = buildApi({
    config: stack.config,
    client: stack.client,
    logger,
    keys: store,
    metrics,
    deadLetters,
    ...(opts.store ? { store: opts.store } : {}),
    ...(opts.search ? { search: opts.search } : {}),
    ...(opts.workerTimeouts ? { workerTimeouts: opts.workerTimeouts } : {}),
    ...(opts.rateLimitPerMinute ? { rateLimitPerMinute: opts.rateLimitPerMinute } : {}),
    health: async () => ({
      temporal: await temporalAnswers(stack.client, stack.config.temporal.namespace),
      kafka: await kafkaProbe.check(),
    }),
  });
  // As the API process does (clients/api/main.ts), with the run's codec and no keyless local-UI decoding.
  registerCodecRoutes(api, {
    codec: stack.dataConverter.payloadCodecs?.[0],
    keys: store,
    namespace: stack.config.temporal.namespace,
    corsOrigin: DEFAULT_CODEC_CORS_ORIGIN,
  });
  const base = await listenLocally(api);
  return {
    stack,
    api,
    base,
    keys,
    metrics,
    call: (as, method, url, body, headers) => requestAs(base, keys, as, method, url, body, headers),
    async stop() {
      await api.close();
      await kafkaProbe.close();
      await deadLetters.close();
      await lifecycle?.stop();
      await new Promise((resolve) => (bridgeServer ? bridgeServer.server.close(resolve) : resolve(undefined)));
      await stack.stop();
    },
  };
}

/** Serves a prom-client registry at /metrics on a free port, as the bridge process does. */
async function serveRegistry(registry: {
  metrics(): Promise<string>;
  contentType: string;
}): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    void registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics` };
}

/** Starts `app` listening on a free local port; its base URL (`http://127.0.0.1:PORT`). */
/**
 * A real HTTP request to an API at `base` as `as`: a role (its key from `keys`), a raw key, or nobody.
 * A string or bytes body goes as it is (malformed bodies); anything else as JSON. The answer is read in
 * full; `json` is undefined when the body is not JSON.
 */
export async function requestAs<T = Record<string, unknown>>(
  base: string,
  keys: Partial<Record<ApiRole, string>>,
  as: ApiRole | { key: string } | null,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const key = as === null ? undefined : typeof as === 'string' ? keys[as] : as.key;
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(key !== undefined ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined
      ? { body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) }
      : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json: json as T, text };
}

export async function listenLocally(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { API_ROLES, ApiKeyStore, generateApiKey, hashApiKey, type ApiRole } from '../../config/api-keys';
import { kafkaHealthy } from '../../infra/kafka-broker';
import { temporalHealthy } from '../../infra/temporal-server';
import { buildApi } from '../../clients/api/app';
import { Complaints } from '../../clients/api/complaints';
import { ApiMetrics, startLifecycleMetrics } from '../../clients/api/metrics';
import { startTestStack, type TestStack } from './stack';

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

export async function startApiHarness(
  name: string,
  opts: { rateLimitPerMinute?: number; lifecycleMetrics?: boolean; bridge?: boolean } = {},
): Promise<ApiHarness> {
  const stack = await startTestStack(name, { bridge: opts.bridge ?? false });
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
  });
  const lifecycle = opts.lifecycleMetrics
    ? await startLifecycleMetrics(stack.config, `api-metrics-${scope.taskQueue}`, metrics, logger)
    : undefined;
  const api = buildApi({
    config: stack.config,
    client: stack.client,
    logger,
    keys: store,
    metrics,
    ...(opts.rateLimitPerMinute ? { rateLimitPerMinute: opts.rateLimitPerMinute } : {}),
    health: async () => ({
      temporal: await temporalHealthy(stack.config.temporal.address, stack.config.temporal.namespace),
      kafka: await kafkaHealthy(stack.config.kafka.brokers[0] ?? ''),
    }),
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const address = api.server.address();
  const base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  return {
    stack,
    api,
    base,
    keys,
    metrics,
    async call<T>(
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
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, json: json as T, text };
    },
    async stop() {
      await api.close();
      await lifecycle?.stop();
      await stack.stop();
    },
  };
}

/**
 * Polls until `check` passes (visibility is eventually consistent: a list shows a change a moment
 * after the workflow made it). Gives up after `attempts` tries with the last failure.
 */
export async function eventually<T>(check: () => Promise<T>, attempts = 100, intervalMs = 200): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await check();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  throw last;
}

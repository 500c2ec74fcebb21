import { z } from 'zod';
import { DEFAULT_TOPICS, type Topics } from '../domain/topics';
import { describeFieldErrors, fieldErrors } from '../domain/validation';
import { loadTransportSecurity, type KafkaSecurity, type TemporalSecurity } from './transport-security';

/**
 * Every process's configuration, from the environment, validated once at start-up so a typo fails
 * fast with the variable's name instead of as a confusing connection error later.
 */

const port = z.coerce.number().int().min(1).max(65_535);

const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('complaints'),
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().min(1).default('redress'),
  REDRESS_BRIDGE_GROUP: z.string().min(1).default('redress-bridge'),
  REDRESS_TOPIC_PREFIX: z.string().default(''),
  REDRESS_API_HOST: z.string().min(1).default('127.0.0.1'),
  REDRESS_API_PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  /** `security`: TLS and API key (config/transport-security.ts); platform/temporal-connection.ts applies it. */
  temporal: { address: string; namespace: string; taskQueue: string; security: TemporalSecurity };
  /** `security`: TLS and SASL (config/transport-security.ts); platform/kafka-client.ts applies it. */
  kafka: { brokers: string[]; clientId: string; bridgeGroup: string; security: KafkaSecurity };
  topics: Topics;
  api: { host: string; port: number };
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

/** Reads the configuration from an environment (process.env by default); throws naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${describeFieldErrors(fieldErrors(parsed.error))}`);
  }
  const e = parsed.data;
  const security = loadTransportSecurity(env);
  // A prefix lets several stacks (or test runs) share one broker without reading each other's events.
  const topics = Object.fromEntries(
    Object.entries(DEFAULT_TOPICS).map(([role, name]) => [role, `${e.REDRESS_TOPIC_PREFIX}${name}`]),
  ) as Topics;
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      security: security.temporal,
    },
    kafka: {
      brokers: e.KAFKA_BROKERS.split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      clientId: e.KAFKA_CLIENT_ID,
      bridgeGroup: e.REDRESS_BRIDGE_GROUP,
      security: security.kafka,
    },
    topics,
    api: { host: e.REDRESS_API_HOST, port: e.REDRESS_API_PORT },
    logLevel: e.LOG_LEVEL,
  };
}

/** A metrics URL to scrape, or '' / 'off' for none. */
const metricsUrl = (fallback: string) =>
  z
    .union([z.literal(''), z.literal('off'), z.url({ protocol: /^https?$/ })])
    .default(fallback)
    .transform((v) => (v === '' || v === 'off' ? undefined : v));

/**
 * `REDRESS_API_TRUST_PROXY`: `true` (every proxy: only when nothing reaches the API but through one),
 * `false` or unset (none), a hop count, or comma-separated proxy addresses and CIDRs.
 */
const TrustProxySchema = z
  .string()
  .trim()
  .default('false')
  .transform((v, ctx) => {
    if (v === '' || v === 'false') return false;
    if (v === 'true') return true;
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const list = v
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (list.length > 0 && list.every((a) => /^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(a))) return list;
    ctx.addIssue({
      code: 'custom',
      message: 'must be true, false, a hop count, or comma-separated addresses or CIDRs',
    });
    return z.NEVER;
  });

const ApiEnvSchema = z.object({
  REDRESS_API_KEYS: z.string().optional(),
  REDRESS_API_KEYS_FILE: z.string().min(1).optional(),
  REDRESS_API_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(600),
  REDRESS_API_LIST_SCAN_LIMIT: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  REDRESS_API_READ_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  REDRESS_API_ACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  REDRESS_WORKER_METRICS_URL: metricsUrl('http://127.0.0.1:9465/metrics'),
  REDRESS_BRIDGE_METRICS_URL: metricsUrl('http://127.0.0.1:9464/metrics'),
  REDRESS_API_METRICS_GROUP: z.string().min(1).optional(),
  REDRESS_API_TRUST_PROXY: TrustProxySchema,
  REDRESS_API_OPERATIONS_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  REDRESS_API_OPERATIONS_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(6_000),
});

/** The HTTP API's own settings (kept apart from {@link Config}, which every process shares). */
export interface ApiSettings {
  /** `REDRESS_API_KEYS`: comma-separated `id:role:sha256` entries. */
  keys?: string;
  /** `REDRESS_API_KEYS_FILE`: a JSON key file (see config/api-keys.ts). */
  keysFile?: string;
  /** Requests a minute one caller (key, or address when it has none) may make; bursts up to the same number. */
  rateLimitPerMinute: number;
  /** How many complaints one list request may read from visibility to sort them by next deadline. */
  listScanLimit: number;
  /** How long a request waits for a worker to answer a query, and to take an action, before a 503. */
  workerTimeouts: { readMs: number; actionMs: number };
  /** Metrics endpoints whose text `/metrics` appends: the worker's (Temporal SDK) and the bridge's. */
  workerMetricsUrl?: string;
  bridgeMetricsUrl?: string;
  /** Consumer group of the lifecycle-topic reader behind the API's complaint metrics. */
  metricsGroup: string;
  /** Which proxies' X-Forwarded-For to believe, so limits per address see the real client. */
  trustProxy: boolean | number | string[];
  /** How long /health and /metrics answers are reused. */
  operationsCacheMs: number;
  /** /health, /metrics and /openapi.json requests a minute per address, apart from the other routes. */
  operationsRateLimitPerMinute: number;
}

/** Reads the API's settings from an environment; throws naming each bad variable. */
export function loadApiSettings(env: NodeJS.ProcessEnv = process.env): ApiSettings {
  const parsed = ApiEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${describeFieldErrors(fieldErrors(parsed.error))}`);
  }
  const e = parsed.data;
  return {
    ...(e.REDRESS_API_KEYS?.trim() ? { keys: e.REDRESS_API_KEYS } : {}),
    ...(e.REDRESS_API_KEYS_FILE ? { keysFile: e.REDRESS_API_KEYS_FILE } : {}),
    rateLimitPerMinute: e.REDRESS_API_RATE_LIMIT,
    listScanLimit: e.REDRESS_API_LIST_SCAN_LIMIT,
    workerTimeouts: { readMs: e.REDRESS_API_READ_TIMEOUT_MS, actionMs: e.REDRESS_API_ACTION_TIMEOUT_MS },
    ...(e.REDRESS_WORKER_METRICS_URL ? { workerMetricsUrl: e.REDRESS_WORKER_METRICS_URL } : {}),
    ...(e.REDRESS_BRIDGE_METRICS_URL ? { bridgeMetricsUrl: e.REDRESS_BRIDGE_METRICS_URL } : {}),
    metricsGroup: e.REDRESS_API_METRICS_GROUP ?? `${env.KAFKA_CLIENT_ID ?? 'redress'}-api-metrics`,
    trustProxy: e.REDRESS_API_TRUST_PROXY,
    operationsCacheMs: e.REDRESS_API_OPERATIONS_CACHE_MS,
    operationsRateLimitPerMinute: e.REDRESS_API_OPERATIONS_RATE_LIMIT,
  };
}

/**
 * Where the worker serves the Temporal SDK's Prometheus metrics (`REDRESS_WORKER_METRICS_ADDRESS`,
 * host:port; default 127.0.0.1:9465; `off` for none), or undefined when off.
 */
export function workerMetricsAddress(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.REDRESS_WORKER_METRICS_ADDRESS ?? '127.0.0.1:9465';
  if (value === '' || value === 'off') return undefined;
  if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(value)) {
    throw new Error(`invalid configuration: REDRESS_WORKER_METRICS_ADDRESS: must be host:port or off, not ${value}`);
  }
  return value;
}

const BridgeEnvSchema = z.object({
  REDRESS_BRIDGE_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  REDRESS_BRIDGE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  REDRESS_BRIDGE_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  REDRESS_BRIDGE_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1_000).default(64),
  REDRESS_BRIDGE_UNKNOWN_COMPLAINT_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  REDRESS_BRIDGE_INTERNAL_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(5),
});

/** The bridge process's own settings (kept apart from {@link Config}, which every process shares). */
export interface BridgeSettings {
  /** Where /metrics and /health are served; port 0 picks a free one (the log says which). */
  metrics: { host: string; port: number };
  /** How long a bridge that died without leaving holds its partitions. */
  sessionTimeoutMs: number;
  /** Deliveries to Temporal in flight at once, across every partition. */
  maxInFlight: number;
  /**
   * How long a fact for a complaint that does not exist waits for its `complaint.received` (from the
   * bridge's first attempt) before it is dead-lettered as `unknown-complaint`, whatever the intake rate.
   */
  unknownComplaintWaitMs: number;
  /** Attempts at a message that fails with an unexpected error before it is dead-lettered as `internal`. */
  maxInternalAttempts: number;
}

/** Reads the bridge's settings from an environment; throws naming each bad variable. */
export function loadBridgeSettings(env: NodeJS.ProcessEnv = process.env): BridgeSettings {
  const parsed = BridgeEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${describeFieldErrors(fieldErrors(parsed.error))}`);
  }
  const e = parsed.data;
  return {
    metrics: { host: e.REDRESS_BRIDGE_METRICS_HOST, port: e.REDRESS_BRIDGE_METRICS_PORT },
    sessionTimeoutMs: e.REDRESS_BRIDGE_SESSION_TIMEOUT_MS,
    maxInFlight: e.REDRESS_BRIDGE_MAX_IN_FLIGHT,
    unknownComplaintWaitMs: e.REDRESS_BRIDGE_UNKNOWN_COMPLAINT_WAIT_MS,
    maxInternalAttempts: e.REDRESS_BRIDGE_INTERNAL_ATTEMPTS,
  };
}

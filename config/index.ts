import { z } from 'zod';
import { DEFAULT_TOPICS, type Topics } from '../domain/topics';
import { describeFieldErrors, fieldErrors } from '../domain/validation';

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
  temporal: { address: string; namespace: string; taskQueue: string };
  kafka: { brokers: string[]; clientId: string; bridgeGroup: string };
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
  // A prefix lets several stacks (or test runs) share one broker without reading each other's events.
  const topics = Object.fromEntries(
    Object.entries(DEFAULT_TOPICS).map(([role, name]) => [role, `${e.REDRESS_TOPIC_PREFIX}${name}`]),
  ) as Topics;
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    kafka: {
      brokers: e.KAFKA_BROKERS.split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      clientId: e.KAFKA_CLIENT_ID,
      bridgeGroup: e.REDRESS_BRIDGE_GROUP,
    },
    topics,
    api: { host: e.REDRESS_API_HOST, port: e.REDRESS_API_PORT },
    logLevel: e.LOG_LEVEL,
  };
}

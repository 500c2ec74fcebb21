import { Kafka, logLevel } from 'kafkajs';
import type { KafkaSecurity } from '../config/transport-security';
import type { Topics } from '../domain/topics';
import { kafkaSecurityOptions } from '../platform/kafka-client';

/** Partitions per topic: room for the bridge to work on several complaints at once. */
export const DEFAULT_PARTITIONS = 4;

/**
 * How topics are laid out on the brokers. One broker (the local stack, the tests) can hold one replica
 * only; a cluster (scripts/cluster, a deployment) sets 3 replicas with `min.insync.replicas` 2, so an
 * acknowledged write (producers use acks=all) survives the loss of any one broker.
 */
export interface TopicLayout {
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** The layout from `REDRESS_KAFKA_PARTITIONS`, `REDRESS_KAFKA_REPLICATION_FACTOR`, `REDRESS_KAFKA_MIN_INSYNC_REPLICAS`. */
export function topicLayout(env: NodeJS.ProcessEnv = process.env): TopicLayout {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`invalid configuration: ${name}: must be a positive integer, not "${raw}"`);
    return n;
  };
  const replicationFactor = read('REDRESS_KAFKA_REPLICATION_FACTOR', 1);
  const minInsyncReplicas = read('REDRESS_KAFKA_MIN_INSYNC_REPLICAS', Math.max(1, replicationFactor - 1));
  if (minInsyncReplicas > replicationFactor) {
    throw new Error(
      `invalid configuration: REDRESS_KAFKA_MIN_INSYNC_REPLICAS (${minInsyncReplicas}) exceeds REDRESS_KAFKA_REPLICATION_FACTOR (${replicationFactor})`,
    );
  }
  return { partitions: read('REDRESS_KAFKA_PARTITIONS', DEFAULT_PARTITIONS), replicationFactor, minInsyncReplicas };
}

/**
 * What the store is rebuilt from (workers/projector/rebuild.ts) and kept for ever: the lifecycle and the
 * remedy requests hold ids, codes, amounts and times, no customer's words, and a rebuild re-derives every
 * row from them.
 */
const REBUILD_SOURCES = new Set(['lifecycle', 'remedies']);

const DAY_MS = 24 * 3600 * 1000;

/**
 * How long `complaints.notifications` keeps a letter: 30 days. It carries rendered letters, in clear, with
 * the customer's name and words; the store is their record (sealed from the topic's retention by
 * store/tables.ts KEPT_ON_REBUILD) and the topic is transport to the mailer. 30 days is enough for a mailer
 * or projector outage over a holiday, and for a rebuild after a bad deploy to re-read recent letters, and
 * no longer: past it, a letter's only copy is the store's (docs/store.md "Rebuild").
 */
export const NOTIFICATIONS_RETENTION_MS = 30 * DAY_MS;

/** Topic settings by role: dead letters and letters 30 days, the other rebuild sources for ever, the rest the broker's default. */
function configEntries(role: string): Array<{ name: string; value: string }> {
  if (role === 'dlq' || role === 'dlqReplays') return [{ name: 'retention.ms', value: String(30 * DAY_MS) }];
  if (role === 'notifications') return [{ name: 'retention.ms', value: String(NOTIFICATIONS_RETENTION_MS) }];
  if (REBUILD_SOURCES.has(role)) return [{ name: 'retention.ms', value: '-1' }];
  return [];
}

/**
 * Creates the topics of DESIGN §4 that do not exist yet (idempotent), with {@link configEntries}, laid
 * out as {@link topicLayout} says. A topic that exists keeps its layout: changing partitions or replicas
 * of a live topic is an operator's reassignment, not something a start-up should do.
 */
export async function ensureTopics(
  brokers: string[],
  topics: Topics,
  layout: TopicLayout = topicLayout(),
  security?: KafkaSecurity,
): Promise<string[]> {
  const admin = new Kafka({
    clientId: 'redress-infra',
    brokers,
    ...kafkaSecurityOptions(security),
    logLevel: logLevel.WARN,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.entries(topics).filter(([, name]) => !existing.has(name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(([role, name]) => ({
          topic: name,
          numPartitions: layout.partitions,
          replicationFactor: layout.replicationFactor,
          configEntries: [
            ...configEntries(role),
            { name: 'min.insync.replicas', value: String(layout.minInsyncReplicas) },
          ],
        })),
      });
    }
    return missing.map(([, name]) => name);
  } finally {
    await admin.disconnect();
  }
}

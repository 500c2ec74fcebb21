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

/** What the store is rebuilt from (workers/projector/rebuild.ts): kept for ever, as the record's source. */
const REBUILD_SOURCES = new Set(['lifecycle', 'notifications', 'remedies']);

/** Topic settings by role: the dead letters (and their replays) for 30 days (a person must look), the store's sources for ever. */
function configEntries(role: string): Array<{ name: string; value: string }> {
  if (role === 'dlq' || role === 'dlqReplays') return [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }];
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

import { Kafka, logLevel } from 'kafkajs';
import type { KafkaSecurity } from '../config/transport-security';
import type { Topics } from '../domain/topics';
import { kafkaSecurityOptions } from '../platform/kafka-client';

/** Partitions per topic: room for the bridge to work on several complaints at once. */
export const DEFAULT_PARTITIONS = 4;

/** What the store is rebuilt from (workers/projector/rebuild.ts): kept for ever, as the record's source. */
const REBUILD_SOURCES = new Set(['lifecycle', 'notifications', 'remedies']);

/** Topic settings by role: the dead letters (and their replays) for 30 days (a person must look), the store's sources for ever. */
function configEntries(role: string): Array<{ name: string; value: string }> {
  if (role === 'dlq' || role === 'dlqReplays') return [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }];
  if (REBUILD_SOURCES.has(role)) return [{ name: 'retention.ms', value: '-1' }];
  return [];
}

/**
 * Creates the topics of DESIGN §4 that do not exist yet (idempotent), with {@link configEntries}.
 */
export async function ensureTopics(
  brokers: string[],
  topics: Topics,
  partitions = DEFAULT_PARTITIONS,
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
          numPartitions: partitions,
          replicationFactor: 1,
          configEntries: configEntries(role),
        })),
      });
    }
    return missing.map(([, name]) => name);
  } finally {
    await admin.disconnect();
  }
}

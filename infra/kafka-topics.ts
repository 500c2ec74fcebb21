import { Kafka, logLevel } from 'kafkajs';
import type { Topics } from '../domain/topics';

/** Partitions per topic: room for the bridge to work on several complaints at once. */
export const DEFAULT_PARTITIONS = 4;

/**
 * Creates the topics of DESIGN §4 that do not exist yet (idempotent). Retention of the dead-letter
 * topic is long: what lands there must be looked at by a person.
 */
export async function ensureTopics(
  brokers: string[],
  topics: Topics,
  partitions = DEFAULT_PARTITIONS,
): Promise<string[]> {
  const admin = new Kafka({ clientId: 'redress-infra', brokers, logLevel: logLevel.WARN }).admin();
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
          configEntries: role === 'dlq' ? [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }] : [],
        })),
      });
    }
    return missing.map(([, name]) => name);
  } finally {
    await admin.disconnect();
  }
}

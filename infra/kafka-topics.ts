import { Kafka, logLevel } from 'kafkajs';
import type { KafkaSecurity } from '../config/transport-security';
import type { Topics } from '../domain/topics';
import { kafkaSecurityOptions } from '../platform/kafka-client';

/** Partitions per topic: room for the bridge to work on several complaints at once. */
export const DEFAULT_PARTITIONS = 4;

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

import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Db } from '../../store/db';
import { clearStore } from '../../store/tables';
import { sourceTopics, startProjector } from './projector';

/**
 * Rebuilds the store from the topics: moves the projector group's offsets to the first retained offset of
 * every partition, empties the store, and projects until the group has caught up. Offsets move first, so
 * a rebuild interrupted anywhere leaves either the old store (re-applied harmlessly) or a partial one
 * that the next run completes; never an empty store whose offsets say it is done. Refused while a
 * projector of the group runs (its commits would race the reset). The lifecycle and remedy topics are
 * kept for ever, so every row derived from them is rebuilt; letters and survey comments come from topics
 * that expire (infra/kafka-topics.ts), so their tables are kept, not emptied (store/tables.ts
 * KEPT_ON_REBUILD), and what the topics still hold is re-read into them harmlessly.
 */
export async function rebuildStore(
  config: Config,
  kafka: Kafka,
  db: Db,
  logger: Logger,
  opts: { groupId: string; pollMs?: number },
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([opts.groupId]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0) {
      throw new Error(`group ${opts.groupId} has ${members} member(s): stop every projector before rebuilding`);
    }
    for (const topic of sourceTopics(config).keys()) {
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId: opts.groupId,
        topic,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.low })),
      });
    }
  } finally {
    await admin.disconnect();
  }
  await clearStore(db);
  logger.info({ group: opts.groupId }, 'store emptied and offsets reset: rebuilding from the topics');
  const projector = await startProjector(config, kafka, db, logger, { groupId: opts.groupId });
  try {
    while (!(await projector.caughtUp())) await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
  } finally {
    await projector.stop();
  }
  logger.info({ ...projector.health() }, 'store rebuilt');
}

import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { applyRecords } from '../../store/apply';
import type { Db } from '../../store/db';
import { decodeInboundComment, decodeRecord, type SourceRole, type StoreRecord } from '../../store/records';
import { textSeal } from '../../platform/store-seal';
import type { DeadLetter } from '../../domain/dead-letter';
import { loadOriginalProtection, type OriginalProtection } from '../../platform/dead-letter-seal';
import { deadLetter, deadLetterHeaders, deadLetterKey } from '../bridge/dead-letter';
import { backoffMs } from '../bridge/progress';
import { createProjectorMetrics, type ProjectorMetrics } from './metrics';

/**
 * The projector: reads what Redress publishes (`complaints.lifecycle`, `.notifications`, `.remedies`)
 * into the store, and from upstream's `complaints.events` the comments of survey answers. Each fetched batch is applied in ONE database transaction; its dead letters (records
 * that cannot be applied) are published; only then are its offsets committed, by hand. So:
 * - a crash anywhere before the commit re-reads the batch, and re-applying it changes nothing (every
 *   write is idempotent, store/apply.ts): nothing lost, nothing doubled;
 * - a database (or dead-letter topic) outage pauses the partition and retries with backoff, the
 *   health reads degraded, nothing is committed and nothing is dead-lettered; it catches up when the
 *   database is back;
 * - a record the database refuses for its values (store/apply.ts: SQLSTATE class 22 or 23) is rolled
 *   back alone and dead-lettered as `unapplicable`, and the batch commits: one bad record must not
 *   stall its partition as if the database were down.
 */

export interface ProjectorOptions {
  groupId: string;
  sessionTimeoutMs?: number;
  /** How dead letters keep their originals; by default sealed with the environment's payload key ring. */
  originals?: OriginalProtection;
}

/** What `/health` reports. */
export interface ProjectorHealth {
  status: 'ok' | 'degraded';
  db: boolean;
  /** Why it is degraded (a message naming the failing part, never record contents). */
  reason?: string;
  applied: number;
  duplicates: number;
  deadLettered: number;
  batches: number;
}

/** A running projector. */
export interface Projector {
  metrics: ProjectorMetrics;
  health(): ProjectorHealth;
  /** True when the group has committed every record published on the three topics so far. */
  caughtUp(): Promise<boolean>;
  /** Finishes the batch in flight (its commit included), leaves the group and disconnects. */
  stop(): Promise<void>;
}

/** The topics the store is fed from, by role. */
export function sourceTopics(config: Config): Map<string, SourceRole> {
  return new Map<string, SourceRole>([
    [config.topics.lifecycle, 'lifecycle'],
    [config.topics.notifications, 'notifications'],
    [config.topics.remedies, 'remedies'],
    // Upstream's facts, for survey comments only (store/records.ts decodeInboundComment).
    [config.topics.events, 'events'],
  ]);
}

/** Starts consuming; resolves once the consumer runs. */
export async function startProjector(
  config: Config,
  kafka: Kafka,
  db: Db,
  logger: Logger,
  options: ProjectorOptions,
): Promise<Projector> {
  const metrics = createProjectorMetrics();
  const originals = options.originals ?? loadOriginalProtection();
  // Survey comments are sealed with the ring that seals the dead letters' originals (platform/store-seal.ts).
  const seal = textSeal(originals);
  const roles = sourceTopics(config);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const admin: Admin = kafka.admin();
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 1_000,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000, restartOnFailure: () => Promise.resolve(true) },
  });
  const health: ProjectorHealth = { status: 'ok', db: true, applied: 0, duplicates: 0, deadLettered: 0, batches: 0 };
  const failures = new Map<string, number>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  let stopping = false;
  metrics.dbUp.set(1);

  const degrade = (reason: string, db: boolean) => {
    health.status = 'degraded';
    health.db = db;
    health.reason = reason;
    metrics.dbUp.set(db ? 1 : 0);
  };
  const recover = () => {
    health.status = 'ok';
    health.db = true;
    delete health.reason;
    metrics.dbUp.set(1);
  };

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { topic, partition, messages } = payload.batch;
    const role = roles.get(topic);
    if (!role || messages.length === 0 || stopping) return;
    const records: StoreRecord[] = [];
    /** The message each record came from, for its dead letter if the database refuses it. */
    const sources: KafkaMessage[] = [];
    const decodeLetters: Array<{ letter: DeadLetter; key: Buffer | null }> = [];
    let ignored = 0;
    for (const m of messages) {
      if (role === 'events') {
        // Not the store's to refuse: what is not a survey comment is passed over (the bridge dead-letters the bad).
        const comment = decodeInboundComment(m.value, m.key);
        if (comment) {
          records.push(comment);
          sources.push(m);
        } else ignored += 1;
        continue;
      }
      const d = decodeRecord(role, m.value, m.key, { topic, partition, offset: m.offset });
      if (d.ok) {
        records.push(d.record);
        sources.push(m);
      } else
        decodeLetters.push({ letter: deadLetter(topic, partition, m, d.rejection, originals), key: deadLetterKey(m) });
    }
    const tp = `${topic}:${partition}`;
    const timer = metrics.batchSeconds.startTimer();
    // Keep the group membership while a slow transaction runs (a database that is struggling).
    const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), 3_000);
    let stage: 'database' | 'dead-letter topic' | 'offset commit' = 'database';
    try {
      const applied = await db.transaction((tx) => applyRecords(tx, records, seal));
      timer();
      stage = 'dead-letter topic';
      // A poison record (decoded, refused by the database for its values) is dead-lettered like an
      // undecodable one; it is not an outage, so the partition goes on. Refused again on a retry of
      // this batch (nothing of it was written), so a failed DLQ send loses no dead letter.
      const refusedLetters = applied.refused.map(({ index, rejection }) => {
        const m = sources[index]!;
        return { letter: deadLetter(topic, partition, m, rejection, originals), key: deadLetterKey(m) };
      });
      const dead = [...decodeLetters, ...refusedLetters];
      const letters = dead.map((d) => d.letter);
      if (letters.length > 0) {
        await producer.send({
          topic: config.topics.dlq,
          acks: -1,
          messages: dead.map(({ letter, key }) => ({
            key,
            value: JSON.stringify(letter),
            headers: deadLetterHeaders(letter),
          })),
        });
        for (const l of letters) {
          metrics.records.inc({ topic, outcome: 'dead_lettered', code: l.code });
          logger.warn(
            { topic, partition, offset: l.source.offset, code: l.code, eventId: l.eventId, complaintId: l.complaintId },
            // The clear reason only (scrubbed of the record's text): the details are sealed in the letter.
            `record dead-lettered: ${l.reason}`,
          );
        }
      }
      stage = 'offset commit';
      const last = messages[messages.length - 1]!.offset;
      payload.resolveOffset(last);
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
      const changed = applied.views + applied.events + applied.letters + applied.remedies + applied.comments;
      metrics.records.inc({ topic, outcome: 'applied', code: '' }, changed);
      metrics.records.inc({ topic, outcome: 'ignored', code: '' }, ignored);
      metrics.records.inc({ topic, outcome: 'duplicate', code: '' }, applied.duplicates);
      health.applied += changed;
      health.duplicates += applied.duplicates;
      health.deadLettered += letters.length;
      health.batches += 1;
      failures.delete(tp);
      if (health.status === 'degraded') {
        logger.info({ topic, partition }, 'store reachable again: catching up');
        recover();
      }
    } catch (err) {
      timer();
      if (stopping) return;
      // Nothing of this batch is committed: pause the partition and read it again after a backoff.
      const attempt = (failures.get(tp) ?? 0) + 1;
      failures.set(tp, attempt);
      const wait = backoffMs(attempt, { initialMs: 500, maxMs: 15_000 });
      const reason = `${stage} unavailable: ${(err as Error).message}`.slice(0, 300);
      degrade(reason, stage !== 'database');
      logger.warn({ topic, partition, attempt, waitMs: wait }, `partition paused: ${reason}`);
      const resume = payload.pause();
      metrics.paused.set({ topic, partition: String(partition) }, 1);
      const t = setTimeout(() => {
        resumeTimers.delete(t);
        metrics.paused.set({ topic, partition: String(partition) }, 0);
        if (!stopping) resume();
      }, wait);
      resumeTimers.add(t);
    } finally {
      clearInterval(beat);
    }
  };

  /** Next offset of the group per partition of `topic` (absent: nothing committed yet). */
  const committed = async (topic: string): Promise<Map<number, bigint>> => {
    const [c] = await admin.fetchOffsets({ groupId: options.groupId, topics: [topic] });
    return new Map((c?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  };
  const positions = async () => {
    const rows: Array<{ topic: string; partition: number; highWatermark: bigint; next: bigint }> = [];
    for (const topic of roles.keys()) {
      const [highs, next] = await Promise.all([admin.fetchTopicOffsets(topic), committed(topic)]);
      for (const h of highs) {
        const low = BigInt(h.low);
        const done = next.get(h.partition) ?? -1n;
        rows.push({ topic, partition: h.partition, highWatermark: BigInt(h.high), next: done < low ? low : done });
      }
    }
    return rows;
  };
  metrics.setLagSource({ lag: positions });

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error.message, restart: payload.restart }, 'Kafka consumer crashed');
  });
  await producer.connect();
  await admin.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [...roles.keys()], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
  logger.info({ topics: [...roles.keys()], group: options.groupId, store: db.driver }, 'projector consuming');

  return {
    metrics,
    health: () => ({ ...health }),
    caughtUp: async () => (await positions()).every((p) => p.next >= p.highWatermark),
    async stop() {
      stopping = true;
      for (const t of resumeTimers) clearTimeout(t);
      await consumer.disconnect();
      metrics.setLagSource(undefined);
      await producer.disconnect();
      await admin.disconnect();
      logger.info({ ...health }, 'projector stopped');
    },
  };
}

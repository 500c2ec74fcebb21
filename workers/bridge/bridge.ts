import type { Client } from '@temporalio/client';
import {
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { InboundEvent } from '../../domain/events';
import { complaintWorkflowId } from '../../domain/ids';
import { parseInbound, type InboundTopicRole, type ParseResult } from '../../domain/parse-inbound';
import { describeFieldErrors } from '../../domain/validation';
import { createKafka } from '../kafka-client';
import { deadLetter, deadLetterHeaders, deadLetterKey, type Rejection } from './dead-letter';
import { createBridgeMetrics, type BridgeMetrics } from './metrics';
import { backoffMs, BatchProgress, CoalescedCheck, planLanes, Semaphore } from './progress';
import { complaintTarget, deliver, TransientDeliveryError, type Delivery, type DeliveryTarget } from './route';

/** Counts since start, for logs and tests (the metrics carry the same, labelled). */
export interface BridgeStats {
  delivered: number;
  duplicates: number;
  deadLettered: number;
  transientRetries: number;
}

export interface Bridge {
  stats: BridgeStats;
  metrics: BridgeMetrics;
  /** Stops taking new messages, lets in-flight deliveries finish, commits what is done, and disconnects. */
  stop(): Promise<void>;
}

export interface BridgeOptions {
  /** Where events go; by default the complaint workflow on the configured task queue. */
  target?: DeliveryTarget;
  /** Deliveries in flight at once, across every partition (default 64). */
  maxInFlight?: number;
  /** How long one Temporal call may take before it counts as a transient failure (default 10 s). */
  callTimeoutMs?: number;
  /** Batches (partitions) processed at once (default 16: every partition of both inbound topics, with room). */
  partitionsConsumedConcurrently?: number;
  /**
   * How long the group waits for a silent member before giving its partitions to another (default
   * 30 s). A bridge killed without a goodbye holds its partitions this long.
   */
  sessionTimeoutMs?: number;
  /** Metrics to record into; by default a new registry. */
  metrics?: BridgeMetrics;
}

/** Why a delivery will be tried again later rather than now. */
type TransientReason = 'temporal' | 'kafka' | 'awaiting-intake' | 'internal';

/** A failure that pauses the partition and retries: the message is good, something else is not ready. */
class TransientFailure extends Error {
  constructor(
    readonly reason: TransientReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One partition's memory across batches. */
interface PartitionState {
  /** Offsets beyond the committed one that were delivered before a pause: skipped when fetched again. */
  doneAhead: Set<string>;
  /** Consecutive batches that ended paused, for the backoff. */
  failures: number;
  resumeTimer?: NodeJS.Timeout;
}

interface Item {
  message: KafkaMessage;
  parsed: ParseResult;
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The Kafka bridge: consumes `complaints.intake` and `complaints.events`, validates every message,
 * and hands it to Temporal (DESIGN §4).
 *
 * - Order: a fetched batch is split into lanes, one per complaint; lanes run concurrently (up to
 *   `maxInFlight` deliveries across all partitions), a lane one message at a time, so a complaint's
 *   events reach Temporal in the order they were published while unrelated complaints do not wait.
 * - Commits: only the offset below which every message was accepted by Temporal (or dead-lettered)
 *   is resolved and committed; anything else is fetched again after a crash or a rebalance, and
 *   delivered again harmlessly (the workflow id is the complaint id; the event id deduplicates).
 * - Transient failures (Temporal down or slow, Kafka down, a fact whose complaint is still on its way
 *   through the intake topic) stop that complaint's lane, pause the partition and retry it after a
 *   backoff; other partitions keep flowing. They never reach the dead-letter topic.
 * - Permanent failures (an invalid message, a fact for a complaint that does not exist or is closed,
 *   an update the workflow refused) go to `complaints.dlq` with the reason, the source topic,
 *   partition and offset, and the original bytes; then the offset is committed.
 */
export async function startBridge(
  config: Config,
  client: Client,
  logger: Logger,
  options: BridgeOptions = {},
): Promise<Bridge> {
  const target = options.target ?? complaintTarget(config.temporal.taskQueue);
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  const metrics = options.metrics ?? createBridgeMetrics();
  const groupId = config.kafka.bridgeGroup;
  const kafka = createKafka(config, 'bridge', logger);
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin: Admin = kafka.admin();
  const roles = new Map<string, InboundTopicRole>([
    [config.topics.intake, 'intake'],
    [config.topics.events, 'events'],
  ]);
  const stats: BridgeStats = { delivered: 0, duplicates: 0, deadLettered: 0, transientRetries: 0 };
  const semaphore = new Semaphore(options.maxInFlight ?? 64);
  const partitions = new Map<string, PartitionState>();
  /** The next offset to process of each assigned partition, as this bridge resolved it. */
  const localNext = new Map<string, bigint>();
  let assigned: Array<{ topic: string; partition: number }> = [];
  let stopping = false;
  let consumer: Consumer | undefined;
  let restartTimer: NodeJS.Timeout | undefined;

  const partitionState = (tp: string): PartitionState => {
    let state = partitions.get(tp);
    if (!state) {
      state = { doneAhead: new Set(), failures: 0 };
      partitions.set(tp, state);
    }
    return state;
  };

  // ---- what the group has processed: the intake check and the lag metric ----

  /** Group progress of one topic: the committed offset, or this bridge's own when it is further. */
  const groupNext = async (topic: string): Promise<Map<number, bigint>> => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const next = new Map<number, bigint>();
    for (const p of committed?.partitions ?? []) next.set(p.partition, BigInt(p.offset));
    for (const [partition, offset] of next) {
      const local = localNext.get(tpKey(topic, partition));
      if (local !== undefined && local > offset) next.set(partition, local);
    }
    return next;
  };

  /**
   * How many intake messages, published before now, the group has not processed yet. A fact for an
   * unknown complaint is final only when this is zero: its `complaint.received` (published first, on
   * another topic, so in no guaranteed order with it) may otherwise still be on its way.
   */
  const intakeCheck = new CoalescedCheck(async (): Promise<bigint> => {
    const [highs, next] = await Promise.all([
      admin.fetchTopicOffsets(config.topics.intake),
      groupNext(config.topics.intake),
    ]);
    let behind = 0n;
    for (const h of highs) {
      const high = BigInt(h.high);
      const low = BigInt(h.low);
      let done = next.get(h.partition) ?? -1n;
      const local = localNext.get(tpKey(config.topics.intake, h.partition));
      if (local !== undefined && local > done) done = local;
      if (done < low) done = low;
      if (high > done) behind += high - done;
    }
    return behind;
  });

  metrics.setLagSource({
    async lag() {
      const rows: Array<{ topic: string; partition: number; highWatermark: bigint; next: bigint }> = [];
      for (const topic of roles.keys()) {
        const mine = assigned.filter((a) => a.topic === topic);
        if (mine.length === 0) continue;
        const [highs, next] = await Promise.all([admin.fetchTopicOffsets(topic), groupNext(topic)]);
        for (const { partition } of mine) {
          const h = highs.find((x) => x.partition === partition);
          if (!h) continue;
          const low = BigInt(h.low);
          const done = next.get(partition) ?? localNext.get(tpKey(topic, partition)) ?? low;
          rows.push({ topic, partition, highWatermark: BigInt(h.high), next: done < low ? low : done });
        }
      }
      return rows;
    },
  });

  // ---- delivering one message ----

  const sendToDeadLetters = async (topic: string, partition: number, message: KafkaMessage, rejection: Rejection) => {
    const record = deadLetter(topic, partition, message, rejection);
    try {
      await producer.send({
        topic: config.topics.dlq,
        acks: -1,
        messages: [{ key: deadLetterKey(message), value: JSON.stringify(record), headers: deadLetterHeaders(record) }],
      });
    } catch (err) {
      throw new TransientFailure('kafka', `could not write to ${config.topics.dlq}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    stats.deadLettered += 1;
    metrics.messages.inc({ topic, outcome: 'dead_lettered', code: rejection.code });
    // Ids only: the reason may quote field names from the input, and the payload is personal data.
    logger.warn(
      {
        topic,
        partition,
        offset: message.offset,
        code: rejection.code,
        eventId: rejection.eventId,
        complaintId: rejection.complaintId,
      },
      'message dead-lettered',
    );
  };

  const deliverTimed = async (event: InboundEvent): Promise<Delivery> => {
    const done = metrics.deliverySeconds.startTimer({ type: event.type });
    try {
      return await client.connection.withDeadline(Date.now() + callTimeoutMs, () => deliver(client, target, event));
    } catch (err) {
      if (err instanceof TransientDeliveryError) throw new TransientFailure('temporal', err.message, { cause: err });
      throw err;
    } finally {
      done();
    }
  };

  /** Why a fact's complaint has no open workflow, in words for the dead letter. */
  const missingReason = async (event: InboundEvent): Promise<string> => {
    try {
      const described = await client.connection.withDeadline(Date.now() + callTimeoutMs, () =>
        client.workflow.getHandle(complaintWorkflowId(event.complaintId)).describe(),
      );
      return `complaint ${event.complaintId} is closed (${described.status.name}); ${event.type} cannot be applied`;
    } catch {
      return `no complaint ${event.complaintId}: ${event.type} refers to a complaint Redress never received`;
    }
  };

  const processItem = async (topic: string, partition: number, { message, parsed }: Item): Promise<void> => {
    if (!parsed.ok) {
      const detail = parsed.errors.length ? ` (${describeFieldErrors(parsed.errors)})` : '';
      await sendToDeadLetters(topic, partition, message, {
        code: parsed.code,
        reason: `${parsed.reason}${detail}`,
        errors: parsed.errors,
      });
      return;
    }
    const event = parsed.event;
    const ids = { eventId: event.eventId, complaintId: event.complaintId };
    let outcome = await deliverTimed(event);
    if (outcome.kind === 'unknown-complaint') {
      let behind: bigint;
      try {
        behind = await intakeCheck.run();
      } catch (err) {
        throw new TransientFailure('kafka', `could not read intake progress: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (behind > 0n) {
        throw new TransientFailure(
          'awaiting-intake',
          `complaint ${event.complaintId} is not open yet and the intake topic has ${behind} unprocessed message(s)`,
        );
      }
      // Intake has caught up since the first attempt: if the complaint was on its way, it is open now.
      outcome = await deliverTimed(event);
      if (outcome.kind === 'unknown-complaint') {
        const reason = await missingReason(event);
        await sendToDeadLetters(topic, partition, message, { code: 'unknown-complaint', reason, errors: [], ...ids });
        return;
      }
    }
    if (outcome.kind === 'rejected') {
      await sendToDeadLetters(topic, partition, message, {
        code: 'rejected',
        reason: outcome.reason,
        errors: [],
        ...ids,
      });
      return;
    }
    if (outcome.kind === 'delivered') stats.delivered += 1;
    else stats.duplicates += 1;
    metrics.messages.inc({ topic, outcome: outcome.kind, code: '' });
    logger.debug({ ...ids, type: event.type, outcome: outcome.kind }, 'delivered');
  };

  // ---- one fetched batch ----

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const { topic, partition } = batch;
    const tp = tpKey(topic, partition);
    const role = roles.get(topic);
    const state = partitionState(tp);
    if (!role || batch.messages.length === 0) return;

    const progress = new BatchProgress(batch.messages.map((m) => m.offset));
    const completed = new Set<string>();
    const complete = (offset: string) => {
      completed.add(offset);
      const upTo = progress.complete(offset);
      if (upTo !== undefined) {
        payload.resolveOffset(upTo);
        localNext.set(tp, BigInt(upTo) + 1n);
      }
    };

    const todo: Item[] = [];
    for (const message of batch.messages) {
      if (state.doneAhead.has(message.offset)) complete(message.offset);
      else todo.push({ message, parsed: parseInbound(role, message.value, message.key) });
    }
    // A complaint's events share a lane; each invalid message is a lane of its own (it only goes to the DLQ).
    const lanes = planLanes(todo, (item) =>
      item.parsed.ok ? `c:${item.parsed.event.complaintId}` : `x:${item.message.offset}`,
    );

    let blocked: { failure: TransientFailure; offset: string } | undefined;
    let rebalance: Error | undefined;
    const proceed = () => !stopping && rebalance === undefined && payload.isRunning() && !payload.isStale();
    // Keep the group membership alive and commit progress while a long batch runs.
    const beat = setInterval(() => {
      payload.heartbeat().catch((err: unknown) => {
        rebalance ??= err instanceof Error ? err : new Error(String(err));
      });
      payload.commitOffsetsIfNecessary().catch(() => undefined);
    }, 1_000);
    try {
      await Promise.all(
        lanes.map(async (lane) => {
          for (const item of lane) {
            if (!proceed()) return;
            const release = await semaphore.acquire();
            metrics.inFlight.inc();
            try {
              if (!proceed()) return;
              await processItem(topic, partition, item);
              complete(item.message.offset);
            } catch (err) {
              const failure =
                err instanceof TransientFailure
                  ? err
                  : new TransientFailure('internal', `unexpected error: ${(err as Error).message}`, { cause: err });
              if (failure.reason === 'internal') {
                logger.error({ err, topic, partition, offset: item.message.offset }, 'unexpected error; will retry');
              }
              stats.transientRetries += 1;
              metrics.transientFailures.inc({ topic, reason: failure.reason });
              if (!blocked || BigInt(item.message.offset) < BigInt(blocked.offset)) {
                blocked = { failure, offset: item.message.offset };
              }
              // The rest of this complaint's lane waits: a later event must not overtake this one.
              return;
            } finally {
              metrics.inFlight.dec();
              release();
            }
          }
        }),
      );
    } finally {
      clearInterval(beat);
    }

    // Remember what was delivered beyond the resolved offset, so a refetch does not deliver it again.
    const resolved = progress.contiguous === undefined ? undefined : BigInt(progress.contiguous);
    state.doneAhead = new Set(
      [...state.doneAhead, ...completed].filter((o) => resolved === undefined || BigInt(o) > resolved),
    );
    if (rebalance !== undefined) throw rebalance;
    if (!blocked) {
      state.failures = 0;
      return;
    }
    if (stopping) return;
    // Pause this partition and come back to it: the fetch restarts at the first undelivered offset.
    state.failures += 1;
    const { failure } = blocked;
    const wait =
      failure.reason === 'awaiting-intake'
        ? backoffMs(state.failures, { initialMs: 100, maxMs: 2_000 })
        : backoffMs(state.failures, { initialMs: 500, maxMs: 15_000 });
    const resume = payload.pause();
    metrics.paused.set({ topic, partition: String(partition) }, 1);
    const log = failure.reason === 'awaiting-intake' ? logger.debug.bind(logger) : logger.warn.bind(logger);
    log(
      { topic, partition, offset: blocked.offset, reason: failure.reason, attempt: state.failures, waitMs: wait },
      `partition paused: ${failure.message}`,
    );
    clearTimeout(state.resumeTimer);
    state.resumeTimer = setTimeout(() => {
      state.resumeTimer = undefined;
      metrics.paused.set({ topic, partition: String(partition) }, 0);
      if (!stopping) resume();
    }, wait);
  };

  // ---- the consumer, restarted if it ever crashes for good ----

  const runConsumer = async (): Promise<void> => {
    const c = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      // Short long-polls: a partition resumed after a pause is fetched again within a second.
      maxWaitTimeInMs: 1_000,
      retry: {
        retries: 10,
        initialRetryTime: 300,
        maxRetryTime: 30_000,
        restartOnFailure: () => Promise.resolve(true),
      },
    });
    consumer = c;
    c.on(c.events.GROUP_JOIN, ({ payload }) => {
      const now = Object.entries(payload.memberAssignment).flatMap(([topic, ps]) =>
        ps.map((partition) => ({ topic, partition })),
      );
      const keep = new Set(now.map((a) => tpKey(a.topic, a.partition)));
      for (const a of assigned) {
        const tp = tpKey(a.topic, a.partition);
        if (keep.has(tp)) continue;
        // Revoked: its new owner starts from the committed offset; forget this bridge's view of it.
        clearTimeout(partitions.get(tp)?.resumeTimer);
        partitions.delete(tp);
        localNext.delete(tp);
        metrics.paused.set({ topic: a.topic, partition: String(a.partition) }, 0);
      }
      assigned = now;
      // kafkajs remembers a pause across rebalances; a partition that comes back without a pending
      // retry must not stay paused with no timer to resume it.
      const stale = now.filter((a) => !partitions.get(tpKey(a.topic, a.partition))?.resumeTimer);
      if (stale.length > 0) c.resume(stale.map((a) => ({ topic: a.topic, partitions: [a.partition] })));
      logger.info({ group: groupId, assigned: payload.memberAssignment }, 'joined the consumer group');
    });
    c.on(c.events.CRASH, ({ payload }) => {
      metrics.consumerCrashes.inc();
      logger.error({ err: payload.error.message, restart: payload.restart }, 'Kafka consumer crashed');
      // kafkajs restarts itself after retriable errors; after any other one, so does the bridge.
      if (!payload.restart && !stopping) scheduleRestart();
    });
    await c.connect();
    await c.subscribe({ topics: [...roles.keys()], fromBeginning: true });
    await c.run({
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 16,
      eachBatchAutoResolve: false,
      autoCommitInterval: 1_000,
      eachBatch,
    });
  };
  const scheduleRestart = () => {
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      if (stopping) return;
      const old = consumer;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        await runConsumer();
        logger.info('Kafka consumer restarted');
      })().catch((err: unknown) => {
        logger.error({ err: (err as Error).message }, 'Kafka consumer did not restart; trying again');
        scheduleRestart();
      });
    }, 5_000);
  };

  await producer.connect();
  await admin.connect();
  await runConsumer();
  logger.info({ topics: [...roles.keys()], group: groupId }, 'bridge consuming');

  return {
    stats,
    metrics,
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      for (const state of partitions.values()) clearTimeout(state.resumeTimer);
      // Waits for the batches in flight: their lanes start nothing new, finish the delivery they
      // are in, resolve what is done, and kafkajs commits it before leaving the group.
      await consumer?.disconnect();
      metrics.setLagSource(undefined);
      await producer.disconnect();
      await admin.disconnect();
      logger.info({ ...stats }, 'bridge stopped');
    },
  };
}

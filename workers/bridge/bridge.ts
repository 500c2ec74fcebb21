import type { SearchIndex } from '../../platform/search-index';
import type { Client } from '@temporalio/client';
import { Partitioners, type Admin, type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { earliestEffectiveFrom } from '../../domain/instant-rules';
import { loadPolicies } from '../../platform/policy-files';
import type { Policy } from '../../domain/policy/schema';
import { parseInbound, type InboundTopicRole } from '../../domain/parse-inbound';
import { createKafka } from '../../platform/kafka-client';
import { loadOriginalProtection, type OriginalProtection } from '../../platform/dead-letter-seal';
import { messageHandler, type BridgeStats, type Item, type TransientFailure } from './handle-message';
import { createBridgeMetrics, type BridgeMetrics } from './metrics';
import { groupProgress, tpKey } from './group-progress';
import { DEFAULT_PATIENCE, Patience, type PatienceLimits } from './patience';
import { backoffMs, BatchProgress, planLanes, Semaphore } from './progress';
import { complaintTarget, type DeliveryTarget } from './route';

export type { BridgeStats } from './handle-message';

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
  /**
   * How long a fact may wait for its complaint, and how many unexpected errors a message may meet,
   * before it is dead-lettered (defaults: 30 s and 5; REDRESS_BRIDGE_UNKNOWN_COMPLAINT_WAIT_MS and
   * REDRESS_BRIDGE_INTERNAL_ATTEMPTS).
   */
  patience?: Partial<PatienceLimits>;
  /** The policy catalogue the instant rules start from; by default the worker's (`loadPolicies()`). */
  policies?: readonly Policy[];
  /** The summaries' blind index for the default target (the process always gives one). */
  search?: SearchIndex;
  /** How dead letters keep their originals; by default sealed with the environment's payload key ring. */
  originals?: OriginalProtection;
}

/** One partition's memory across batches. */
interface PartitionState {
  /** Offsets beyond the committed one that were delivered before a pause: skipped when fetched again. */
  doneAhead: Set<string>;
  /** Consecutive batches that ended paused, for the backoff. */
  failures: number;
  /** The messages being retried, and for how long or how often (bounded: see patience.ts). */
  patience: Patience;
  resumeTimer?: NodeJS.Timeout;
}

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
  const target = options.target ?? complaintTarget(config.temporal.taskQueue, options.search);
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  const metrics = options.metrics ?? createBridgeMetrics();
  const limits: PatienceLimits = { ...DEFAULT_PATIENCE, ...options.patience };
  // Instants before the earliest policy have no regime: refused as they arrive (domain/instant-rules.ts).
  const earliestPolicy = earliestEffectiveFrom(options.policies ?? loadPolicies());
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
      state = { doneAhead: new Set(), failures: 0, patience: new Patience(limits) };
      partitions.set(tp, state);
    }
    return state;
  };

  const progressOf = groupProgress({
    admin,
    groupId,
    intakeTopic: config.topics.intake,
    topics: [...roles.keys()],
    localNext,
    assigned: () => assigned,
  });
  metrics.setLagSource(progressOf.lag);

  const attempt = messageHandler({
    client,
    target,
    callTimeoutMs,
    producer,
    dlqTopic: config.topics.dlq,
    originals: options.originals ?? loadOriginalProtection(),
    metrics,
    stats,
    logger,
    intakeBehind: progressOf.intakeBehind,
    limits,
  });

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
      state.patience.forget(offset);
      const upTo = progress.complete(offset);
      if (upTo !== undefined) {
        payload.resolveOffset(upTo);
        localNext.set(tp, BigInt(upTo) + 1n);
      }
    };

    const todo: Item[] = [];
    const bounds = { now: Date.now(), earliest: earliestPolicy };
    for (const message of batch.messages) {
      if (state.doneAhead.has(message.offset)) complete(message.offset);
      else todo.push({ message, parsed: parseInbound(role, message.value, message.key, bounds) });
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
              const outcome = await attempt(topic, partition, item, state.patience);
              if (outcome.kind !== 'transient') {
                complete(item.message.offset);
                continue;
              }
              const { failure } = outcome;
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

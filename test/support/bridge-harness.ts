import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  QueryNotRegisteredError,
  ServiceError,
  WorkflowNotFoundError,
  type Client,
  type Connection,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Kafka, Producer } from 'kafkajs';
import type { Config } from '../../config';
import { startBridge, type Bridge, type BridgeOptions } from '../../workers/bridge/bridge';
import { createComplaintWorker, type ComplaintWorkerHandle } from '../../workers/worker';
import { TopicCollector, testKafka, testProducer } from './kafka';
import { quietTemporalRuntime, startTestRun, workflowBundle } from './stack';
import { sleep, waitUntil } from './wait';
import { complaintWorkflowId } from '../../domain/ids';
import { repoRoot } from '../../infra/paths';
import { startManaged, type ManagedProcess } from '../../infra/managed-process';
import { timelineQuery, type TimelineEntry } from '../../workflows/messages';
import { receivedEvent } from './fixtures';
import { followUpEvent } from './malformed';

/**
 * Helpers for the bridge's fault tests: a stream of complaints with follow-up facts, the checks that
 * each complaint exists once and each fact was applied once, and the real bridge as a child process.
 */

/**
 * The workflow's status name, or `undefined` while it does not exist yet: the bridge starts it
 * asynchronously, so a test that polls for a status must not fail on the first poll that wins the race.
 */
export async function workflowStatus(handle: WorkflowHandle): Promise<string | undefined> {
  try {
    return (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** Follow-up types a stream uses: never `customer.withdrew`, which closes the complaint. */
const STREAM_FACTS = ['customer.replied', 'remedy.fulfilled', 'survey.responded', 'remedy.failed'] as const;

export interface StreamMessage {
  topic: string;
  key: string;
  value: string;
}

/** A stream of complaints: each complaint's `complaint.received`, then `factsPer` facts about it. */
export interface ComplaintStream {
  complaintIds: string[];
  /** Fact event ids by complaint id, in publishing order. */
  facts: Map<string, string[]>;
  /** Every message, a complaint always before its facts. */
  messages: StreamMessage[];
}

export function complaintStream(config: Config, prefix: string, count: number, factsPer: number): ComplaintStream {
  const complaintIds: string[] = [];
  const facts = new Map<string, string[]>();
  const messages: StreamMessage[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${i}`;
    complaintIds.push(id);
    messages.push({ topic: config.topics.intake, key: id, value: JSON.stringify(receivedEvent(id, `evt-${id}`)) });
  }
  // Facts trail their complaints by a few positions, so both topics are busy at once.
  const withFacts: StreamMessage[] = [];
  const lag = 5;
  for (let i = 0; i < count + lag; i++) {
    if (i < count) withFacts.push(messages[i]!);
    const j = i - lag;
    if (j < 0) continue;
    const id = complaintIds[j]!;
    const ids: string[] = [];
    for (let f = 0; f < factsPer; f++) {
      const eventId = `evt-${id}-f${f}`;
      ids.push(eventId);
      const type = STREAM_FACTS[(j + f) % STREAM_FACTS.length]!;
      withFacts.push({ topic: config.topics.events, key: id, value: JSON.stringify(followUpEvent(type, id, eventId)) });
    }
    facts.set(id, ids);
  }
  return { complaintIds, facts, messages: withFacts };
}

/**
 * Publishes messages in order, `chunk` at a time, retrying a chunk that fails (as an upstream system
 * would while the broker restarts; a retried chunk may be published twice, which Redress must absorb).
 */
export async function publishAll(
  producer: Producer,
  messages: StreamMessage[],
  opts: { chunk?: number; pauseMs?: number; onChunk?: (sent: number) => void | Promise<void> } = {},
): Promise<void> {
  const chunk = opts.chunk ?? 50;
  for (let i = 0; i < messages.length; i += chunk) {
    const part = messages.slice(i, i + chunk);
    for (let attempt = 1; ; attempt++) {
      try {
        for (const m of part) {
          await producer.send({ topic: m.topic, acks: -1, messages: [{ key: m.key, value: m.value }] });
        }
        break;
      } catch (err) {
        if (attempt > 60) throw err;
        await sleep(1_000);
      }
    }
    await opts.onChunk?.(i + part.length);
    if (opts.pauseMs) await sleep(opts.pauseMs);
  }
}

/** True when the group has committed every message of `topics` (what a finished bridge leaves behind). */
export async function groupCaughtUp(kafka: Kafka, groupId: string, topics: string[]): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const [highs, [committed]] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      for (const h of highs) {
        const c = committed?.partitions.find((p) => p.partition === h.partition);
        const next = BigInt(c?.offset ?? '-1');
        if (BigInt(h.high) > BigInt(h.low) && next < BigInt(h.high)) return false;
      }
    }
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Every workflow on a task queue, as visibility lists them (one row per run). */
export async function workflowIdsOn(client: Client, taskQueue: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) ids.push(wf.workflowId);
  return ids;
}

/**
 * The exactly-once check: every complaint has exactly one workflow run on the task queue, and each
 * of its facts is on its timeline exactly once. (Not the order: a workflow that registers its signal
 * handlers after an await dispatches buffered signals in handler order, whatever the bridge did.) Returns the
 * problems found (empty when all is well), so a failure names them.
 */
export async function exactlyOnceProblems(
  client: Client,
  taskQueue: string,
  stream: Pick<ComplaintStream, 'complaintIds' | 'facts'>,
): Promise<string[]> {
  const problems: string[] = [];
  const expected = new Set(stream.complaintIds.map(complaintWorkflowId));
  // Visibility trails the history a little: wait until it lists them all before judging.
  let listed: string[] = [];
  await waitUntil(
    'visibility to list every complaint',
    async () => {
      listed = await workflowIdsOn(client, taskQueue);
      return [...expected].every((id) => listed.includes(id));
    },
    60_000,
  ).catch(() => undefined);
  const counts = new Map<string, number>();
  for (const id of listed) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const id of expected) {
    const n = counts.get(id) ?? 0;
    if (n !== 1) problems.push(`${id}: ${n} workflow runs`);
  }

  const ids = [...stream.complaintIds];
  // On the first failed query the others stop taking complaints, and all settle before this returns:
  // a query still retrying when the test closes its connection would throw from a timer into whichever
  // test file runs next ("Channel has been shut down"), failing files that did nothing wrong.
  let failed = false;
  const worker = async () => {
    for (let id = ids.shift(); id !== undefined && !failed; id = ids.shift()) {
      // Accepted by Temporal is not yet applied: a workflow still in its first steps has the signals
      // buffered. Wait (bounded) until every fact shows, then count.
      const wanted = stream.facts.get(id) ?? [];
      let timeline = await timelineOf(client, id);
      const until = Date.now() + 60_000;
      while (!wanted.every((w) => timeline.some((e) => e.eventId === w)) && Date.now() < until) {
        await sleep(500);
        timeline = await timelineOf(client, id);
      }
      for (const eventId of wanted) {
        const n = timeline.filter((e) => e.eventId === eventId).length;
        if (n !== 1) problems.push(`${id}: fact ${eventId} applied ${n} times`);
      }
    }
  };
  const settled = await Promise.allSettled(
    Array.from({ length: 16 }, () =>
      worker().catch((err: unknown) => {
        failed = true;
        throw err;
      }),
    ),
  );
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  return problems;
}

/**
 * A complaint's timeline. Ask again when the workflow could not answer yet: one still in its first
 * steps has no query handler, and a worker busy with a backlog of hundreds (after a restart, on 2 busy
 * cores) may let a query time out ("query timed out before a worker could process it"). Neither says
 * anything about what was applied, which is what the caller counts.
 */
async function timelineOf(client: Client, complaintId: string): Promise<TimelineEntry[]> {
  const handle = client.workflow.getHandle(complaintWorkflowId(complaintId));
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.query<TimelineEntry[]>(timelineQuery);
    } catch (err) {
      if (!(err instanceof QueryNotRegisteredError || queryTimedOut(err)) || attempt >= 60) throw err;
      await sleep(500);
    }
  }
}

/** gRPC's DEADLINE_EXCEEDED, the code of the query's cause when it timed out. */
const GRPC_DEADLINE_EXCEEDED = 4;
const queryTimedOut = (err: unknown): boolean =>
  err instanceof ServiceError && (err.cause as { code?: number } | undefined)?.code === GRPC_DEADLINE_EXCEEDED;

/** The real bridge process (`dist/workers/bridge-main.js`), its log in a file. */
export async function spawnBridge(env: NodeJS.ProcessEnv, logFile: string): Promise<ManagedProcess> {
  const main = join(repoRoot(), 'dist', 'workers', 'bridge-main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx tsc -p tsconfig.build.json)`);
  const startedAt = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
  return startManaged({
    name: 'bridge',
    command: process.execPath,
    args: [main],
    env: { ...process.env, ...env, LOG_LEVEL: 'info', REDRESS_BRIDGE_METRICS_PORT: '0' },
    logFile,
    startTimeoutMs: 60_000,
    healthy: () =>
      Promise.resolve(
        existsSync(logFile) && readFileSync(logFile, 'utf8').slice(startedAt).includes('"bridge consuming"'),
      ),
  });
}

/** The JSON log lines of a process's log file that carry `msg`. */
export function logLines(logFile: string, msg: string): Array<Record<string, unknown>> {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);
}

/** Redress's worker (kept running across server outages) and bridge, in this process, on given servers. */
export interface BridgeStack {
  config: Config;
  client: Client;
  connection: Connection;
  bridge: Bridge;
  producer: Producer;
  collector: TopicCollector;
  kafka: Kafka;
  stop(): Promise<void>;
}

/**
 * Like startTestStack, but on servers the test chose (e.g. a dedicated Temporal server it will stop),
 * with a worker that is made again whenever it dies, as a process supervisor would.
 */
export async function startBridgeStack(
  name: string,
  env: NodeJS.ProcessEnv,
  options: BridgeOptions = {},
): Promise<BridgeStack> {
  quietTemporalRuntime();
  const { config, logger, connection, client } = await startTestRun(name, env);
  const bundle = await workflowBundle();
  let stopping = false;
  let current: ComplaintWorkerHandle | undefined;
  const workerLoop = (async () => {
    while (!stopping) {
      try {
        current = await createComplaintWorker(config, logger, { workflowBundle: bundle });
        await current.worker.run();
      } catch {
        // The server went away; a supervisor would start the worker again, and so does this loop.
      } finally {
        await current?.close().catch(() => undefined);
        current = undefined;
      }
      if (!stopping) await sleep(1_000);
    }
  })();
  const bridge = await startBridge(config, client, logger, options);
  const kafka = testKafka(config.kafka.brokers.join(','));
  const producer = await testProducer(kafka);
  const collector = await new TopicCollector(kafka, [config.topics.lifecycle, config.topics.dlq]).start();
  return {
    config,
    client,
    connection,
    bridge,
    producer,
    collector,
    kafka,
    async stop() {
      stopping = true;
      await bridge.stop();
      if (current?.worker.getState() === 'RUNNING') current.worker.shutdown();
      await workerLoop;
      await collector.stop().catch(() => undefined);
      await producer.disconnect();
      await connection.close();
    },
  };
}

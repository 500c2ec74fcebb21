import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { build as buildHistogram } from 'hdr-histogram-js';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import pino from 'pino';
import { loadConfig, type Config } from '../../config';
import { DEFAULT_TOPICS } from '../../domain/topics';
import { ensureTopics } from '../../infra/kafka-topics';
import { startLocalServers, type LocalServers } from '../../infra/local-servers';
import { startManaged, type ManagedProcess } from '../../infra/managed-process';
import { repoRoot } from '../../infra/paths';
import { freePort } from '../../infra/free-port';
import { startBridge } from '../../workers/bridge/bridge';
import { COMPLAINT_ROUTES } from '../../workers/bridge/route';

/**
 * The ingest benchmark (issue 6). In one run, on the local stack:
 *  (a) direct client signal-with-start of a no-op workflow: the Temporal server's limit here;
 *  (b) Kafka → bridge → signal-with-start of the same no-op workflow;
 *  (c) complaints through to `complaint.acknowledged` (the real worker and workflow);
 *  then end-to-end latency (publish on intake → `complaint.acknowledged` consumed) at half of (c),
 *  in an HDR histogram, measured from each message's scheduled send time (no coordinated omission).
 * Rates are measured after a warm-up, from the moment the warm-up count completed to the last one.
 * Prints a markdown table, writes JSON to bench/results/, and reports b/a and c/a.
 */

const env = process.env;
const num = (name: string, fallback: number) => Number(env[name] ?? fallback);
const PARAMS = {
  direct: num('BENCH_N_DIRECT', 3_000),
  bridge: num('BENCH_N_BRIDGE', 3_000),
  complaints: num('BENCH_N_COMPLAINTS', 600),
  warmup: num('BENCH_WARMUP', 100),
  concurrency: num('BENCH_CONCURRENCY', 64),
  latencySeconds: num('BENCH_LATENCY_SECONDS', 30),
  /** (a) and (b) alternate in this many rounds, so both see the same background load on a shared machine. */
  rounds: num('BENCH_ROUNDS', 3),
};
const run = `bench-${Date.now().toString(36)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logger = pino({ level: env.BENCH_LOG_LEVEL ?? 'silent' });

// ---- progress ----

let progressTimer: NodeJS.Timeout | undefined;
function progress(phase: string, done: () => number, total: number): () => void {
  const started = Date.now();
  const tick = () => {
    const n = done();
    const seconds = (Date.now() - started) / 1000;
    const line = `[${phase}] ${n}/${total}  ${(n / Math.max(seconds, 0.001)).toFixed(0)}/s  ${seconds.toFixed(0)} s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line.padEnd(70)}` : `${line}\n`);
  };
  clearInterval(progressTimer);
  progressTimer = setInterval(tick, process.stderr.isTTY ? 500 : 5_000);
  return () => {
    clearInterval(progressTimer);
    tick();
    if (process.stderr.isTTY) process.stderr.write('\n');
  };
}

// ---- helpers ----

/** A complaint as upstream publishes it (the same size as a real one: the benchmark measures real payloads). */
function receivedEvent(complaintId: string) {
  return {
    eventId: `evt-${complaintId}`,
    type: 'complaint.received',
    complaintId,
    occurredAt: new Date().toISOString(),
    source: 'bench',
    data: {
      customer: {
        id: `cust-${complaintId}`,
        name: 'Bench Customer',
        email: 'bench@example.com',
        jurisdiction: 'GB-ENG',
      },
      channel: 'email',
      category: 'billing',
      summary: 'Charged twice',
      description: 'I was charged twice for my October bill and nobody answered my call.',
      receivedAt: new Date().toISOString(),
    },
  };
}

interface Rate {
  count: number;
  seconds: number;
  rate: number;
}
/** Rounds together: all they did over all the time they took. */
function combine(rounds: Rate[]): Rate {
  const count = rounds.reduce((n, r) => n + r.count, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  return { count, seconds, rate: count / seconds };
}

/** Waits until `count()` reaches `warmup` (t0), then `total` (t1): the rate between them. */
async function rateBetween(count: () => number, warmup: number, total: number, timeoutMs: number): Promise<Rate> {
  const deadline = Date.now() + timeoutMs;
  let t0: number | undefined;
  for (;;) {
    const n = count();
    const now = performance.now();
    if (t0 === undefined && n >= warmup) t0 = now;
    if (n >= total && t0 !== undefined) {
      const seconds = (now - t0) / 1000;
      return { count: total - warmup, seconds, rate: (total - warmup) / seconds };
    }
    if (Date.now() > deadline) throw new Error(`timed out at ${n}/${total}`);
    await sleep(5);
  }
}

async function publishAll(producer: Producer, topic: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await producer.send({
      topic,
      acks: -1,
      messages: ids.slice(i, i + 500).map((id) => ({ key: id, value: JSON.stringify(receivedEvent(id)) })),
    });
  }
}

function node(name: string, script: string, childEnv: NodeJS.ProcessEnv, ready: string, logDir: string) {
  const logFile = join(logDir, `${name}.log`);
  return startManaged({
    name,
    command: process.execPath,
    args: [join(repoRoot(), 'dist', script)],
    env: { ...process.env, ...childEnv },
    logFile,
    startTimeoutMs: 120_000,
    healthy: async () => {
      const { readFileSync, existsSync } = await import('node:fs');
      return existsSync(logFile) && readFileSync(logFile, 'utf8').includes(ready);
    },
  });
}

function benchConfig(
  servers: { temporalAddress: string; kafkaBrokers: string },
  name: string,
  taskQueue: string,
): Config {
  return loadConfig({
    ...env,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    KAFKA_BROKERS: servers.kafkaBrokers,
    REDRESS_TOPIC_PREFIX: `${run}-${name}.`,
    TEMPORAL_TASK_QUEUE: taskQueue,
    REDRESS_BRIDGE_GROUP: `${run}-${name}`,
  });
}

// ---- the measurements ----

async function measureDirect(client: Client, taskQueue: string, round: number, n: number) {
  const total = PARAMS.warmup + n;
  let next = 0;
  let done = 0;
  const finish = progress(`a: direct signal-with-start, round ${round}`, () => done, total);
  const measuring = rateBetween(() => done, PARAMS.warmup, total, 600_000);
  await Promise.all(
    Array.from({ length: PARAMS.concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const id = `${run}-a${round}-${i}`;
        const event = receivedEvent(id);
        // The very call the bridge makes, with the same input.
        await client.workflow.signalWithStart('benchNoop', {
          workflowId: `complaint-${id}`,
          taskQueue,
          args: [
            { complaintId: id, complaint: event.data, openedBy: { eventId: event.eventId, source: event.source } },
          ],
          signal: 'complaintReceived',
          signalArgs: [{ eventId: event.eventId, source: event.source }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
        done += 1;
      }
    }),
  );
  const result = await measuring;
  finish();
  return result;
}

async function measureBridge(
  servers: LocalServersLike,
  client: Client,
  producer: Producer,
  noopQueue: string,
  round: number,
  n: number,
) {
  const config = benchConfig(servers, `b${round}`, noopQueue);
  await ensureTopics(config.kafka.brokers, config.topics);
  const total = PARAMS.warmup + n;
  const ids = Array.from({ length: total }, (_, i) => `${run}-b${round}-${i}`);
  await publishAll(producer, config.topics.intake, ids);
  const bridge = await startBridge(config, client, logger, {
    target: { workflowType: 'benchNoop', taskQueue: noopQueue, routes: COMPLAINT_ROUTES },
    maxInFlight: PARAMS.concurrency,
  });
  const finish = progress(`b: Kafka → bridge → signal-with-start, round ${round}`, () => bridge.stats.delivered, total);
  try {
    return await rateBetween(() => bridge.stats.delivered, PARAMS.warmup, total, 600_000);
  } finally {
    finish();
    await bridge.stop();
  }
}

async function measureComplaints(servers: LocalServersLike, client: Client, producer: Producer, logDir: string) {
  const taskQueue = `${run}-complaints`;
  const config = benchConfig(servers, 'c', taskQueue);
  await ensureTopics(config.kafka.brokers, config.topics);
  const worker = await node(
    'complaint-worker',
    'workers/worker-main.js',
    {
      TEMPORAL_ADDRESS: servers.temporalAddress,
      KAFKA_BROKERS: servers.kafkaBrokers,
      TEMPORAL_TASK_QUEUE: taskQueue,
      REDRESS_TOPIC_PREFIX: `${run}-c.`,
      LOG_LEVEL: 'info',
    },
    '"worker started"',
    logDir,
  );
  // The worker is a child process: stop it however the measurement ends, or it outlives the run.
  try {
    const acked = new Map<string, number>();
    const kafka = new Kafka({ clientId: `${run}-acks`, brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${run}-acks`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.lifecycle, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: ({ message }) => {
        const at = performance.now();
        const event = JSON.parse(message.value?.toString('utf8') ?? '{}') as { type?: string; complaintId?: string };
        if (event.type === 'complaint.acknowledged' && event.complaintId && !acked.has(event.complaintId)) {
          acked.set(event.complaintId, at);
        }
        return Promise.resolve();
      },
    });
    const bridge = await startBridge(config, client, logger, { maxInFlight: PARAMS.concurrency });
    const total = PARAMS.warmup + PARAMS.complaints;
    const ids = Array.from({ length: total }, (_, i) => `${run}-c-${i}`);
    const finish = progress('c: complaint → complaint.acknowledged', () => acked.size, total);
    const measuring = rateBetween(() => acked.size, PARAMS.warmup, total, 900_000);
    await publishAll(producer, config.topics.intake, ids);
    const complaints = await measuring;
    finish();

    // Latency at half of (c), from each message's scheduled send time.
    const rate = complaints.rate / 2;
    const count = Math.max(1, Math.round(rate * PARAMS.latencySeconds));
    const histogram = buildHistogram({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 3_600_000_000,
      numberOfSignificantValueDigits: 3,
    });
    const scheduled = new Map<string, number>();
    const sends: Array<Promise<unknown>> = [];
    const finishLatency = progress(
      `latency at ${rate.toFixed(1)}/s`,
      () => [...scheduled.keys()].filter((id) => acked.has(id)).length,
      count,
    );
    const start = performance.now() + 100;
    for (let i = 0; i < count; i++) {
      const id = `${run}-l-${i}`;
      const at = start + (i * 1000) / rate;
      const wait = at - performance.now();
      if (wait > 0) await sleep(wait);
      scheduled.set(id, at);
      sends.push(
        producer.send({
          topic: config.topics.intake,
          acks: -1,
          messages: [{ key: id, value: JSON.stringify(receivedEvent(id)) }],
        }),
      );
    }
    await Promise.all(sends);
    const deadline = Date.now() + 300_000;
    while ([...scheduled.keys()].some((id) => !acked.has(id))) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the latency run to be acknowledged');
      await sleep(20);
    }
    finishLatency();
    for (const [id, at] of scheduled) histogram.recordValue(Math.max(1, Math.round((acked.get(id)! - at) * 1000)));
    // A percentile is its bucket's upper bound; never report one above the largest value seen.
    const ms = (p: number) => Math.min(histogram.getValueAtPercentile(p), histogram.maxValue) / 1000;
    const latency = {
      rate,
      seconds: PARAMS.latencySeconds,
      count,
      p50Ms: ms(50),
      p90Ms: ms(90),
      p99Ms: ms(99),
      maxMs: histogram.maxValue / 1000,
    };

    await bridge.stop();
    await consumer.disconnect();
    return { complaints, latency };
  } finally {
    await worker.stop();
  }
}

type LocalServersLike = Pick<LocalServers, 'temporalAddress' | 'kafkaBrokers'>;

async function servers(logDir: string): Promise<LocalServersLike & { stop(): Promise<void>; local: boolean }> {
  if (env.TEMPORAL_ADDRESS && env.KAFKA_BROKERS) {
    return {
      temporalAddress: env.TEMPORAL_ADDRESS,
      kafkaBrokers: env.KAFKA_BROKERS,
      local: false,
      stop: async () => {},
    };
  }
  // Like the local stack (scripts/up): a file-backed Temporal dev server (SQLite, WAL) and a KRaft
  // broker, on free ports and throwaway data, so a running stack or test run is not disturbed.
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-bench-'));
  const s = await startLocalServers({
    ...(env.TEMPORAL_ADDRESS ? { existingTemporal: env.TEMPORAL_ADDRESS } : {}),
    ...(env.KAFKA_BROKERS ? { existingKafka: env.KAFKA_BROKERS } : {}),
    host: '127.0.0.1',
    temporalPort: await freePort(),
    uiPort: 0,
    kafkaPort: await freePort(),
    kafkaControllerPort: await freePort(),
    dataDir,
    persistTemporal: true,
    logDir,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    topics: { ...DEFAULT_TOPICS },
  });
  return { ...s, local: true };
}

async function main(): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} },
    },
  });
  const startedAt = new Date();
  const logDir = mkdtempSync(join(tmpdir(), 'redress-bench-logs-'));
  process.stderr.write(`ingest benchmark ${run}: starting servers (logs in ${logDir})\n`);
  const s = await servers(logDir);
  const children: ManagedProcess[] = [];
  try {
    const loadBefore = loadavg();
    const connection = await Connection.connect({ address: s.temporalAddress });
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE ?? 'default' });
    const noopQueue = `${run}-noop`;
    children.push(
      await node(
        'noop-worker',
        'bench/ingest/noop-worker.js',
        { TEMPORAL_ADDRESS: s.temporalAddress, BENCH_TASK_QUEUE: noopQueue },
        'bench worker started',
        logDir,
      ),
    );
    const kafka = new Kafka({ clientId: run, brokers: s.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();

    const aRounds: Rate[] = [];
    const bRounds: Rate[] = [];
    for (let round = 1; round <= PARAMS.rounds; round++) {
      aRounds.push(await measureDirect(client, noopQueue, round, Math.round(PARAMS.direct / PARAMS.rounds)));
      bRounds.push(
        await measureBridge(s, client, producer, noopQueue, round, Math.round(PARAMS.bridge / PARAMS.rounds)),
      );
    }
    const a = { ...combine(aRounds), rounds: aRounds.map((r) => r.rate) };
    const b = { ...combine(bRounds), rounds: bRounds.map((r) => r.rate) };
    for (const c of children.splice(0)) await c.stop();
    const { complaints: c, latency } = await measureComplaints(s, client, producer, logDir);
    const loadAfter = loadavg();
    await producer.disconnect();
    await connection.close();

    const result = {
      run,
      startedAt: startedAt.toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadBefore, loadAfter, node: process.version },
      servers: s.local
        ? 'local (started by the benchmark: Temporal dev server on SQLite/WAL, KRaft broker)'
        : 'existing',
      params: PARAMS,
      a: { what: 'direct client signal-with-start, no-op workflow', ...a },
      b: { what: 'Kafka → bridge → signal-with-start, no-op workflow', ...b },
      c: { what: 'complaint.received → complaint.acknowledged consumed', ...c },
      latency: { what: 'publish on intake → complaint.acknowledged consumed, at half of (c)', ...latency },
      ratios: { bOverA: b.rate / a.rate, cOverA: c.rate / a.rate },
      target: { bOverA: 0.8, met: b.rate / a.rate >= 0.8 },
    };
    const f = (n: number, d = 1) => n.toFixed(d);
    const table = [
      '| measurement | count | seconds | rate (/s) | ratio to (a) |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| (a) direct signal-with-start, no-op workflow | ${a.count} | ${f(a.seconds, 2)} | ${f(a.rate)} | 1.00 |`,
      `| (b) Kafka → bridge → signal-with-start, no-op | ${b.count} | ${f(b.seconds, 2)} | ${f(b.rate)} | ${f(result.ratios.bOverA, 2)} |`,
      `| (c) complaint → \`complaint.acknowledged\` | ${c.count} | ${f(c.seconds, 2)} | ${f(c.rate)} | ${f(result.ratios.cOverA, 2)} |`,
      '',
      '| end-to-end latency (intake → `complaint.acknowledged` consumed) | rate (/s) | count | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| at half of (c), ${latency.seconds} s, HDR histogram | ${f(latency.rate)} | ${latency.count} | ${f(latency.p50Ms)} | ${f(latency.p90Ms)} | ${f(latency.p99Ms)} | ${f(latency.maxMs)} |`,
      '',
      `b/a = ${f(result.ratios.bOverA, 2)} (target ≥ 0.8: ${result.target.met ? 'met' : 'NOT met'}), c/a = ${f(result.ratios.cOverA, 2)}`,
      `machine: ${result.machine.cpus} cores; load average before ${loadBefore.map((l) => f(l, 2)).join(' ')}, after ${loadAfter.map((l) => f(l, 2)).join(' ')}`,
    ].join('\n');
    process.stdout.write(`\n${table}\n`);
    const dir = join(repoRoot(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `ingest-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`\nresults: ${file}\n`);
  } finally {
    for (const c of children) await c.stop();
    await s.stop();
  }
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    process.stderr.write(
      `\ningest benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });

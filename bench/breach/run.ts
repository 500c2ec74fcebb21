import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { ensureTopics } from '../../infra/kafka-topics';
import { repoRoot } from '../../infra/paths';
import { loadDataConverter } from '../../platform/data-converter';
import { newRingEntry } from '../../platform/key-ring';
import { PAYLOAD_KEY_BYTES } from '../../platform/payload-codec';
import { startBridge } from '../../workers/bridge/bridge';
import {
  benchConfig,
  benchServers,
  env,
  logger,
  node,
  num,
  PARAMS,
  progress,
  receivedEvent,
  run,
  sleep,
} from '../ingest/support';

/**
 * Breach lag (issue 17, bench (f)): BENCH_BREACH_N complaints (1,000) whose final-response deadlines all fall
 * in one minute, and how long after its deadline each `complaint.deadline-breached` is consumed from
 * `complaints.lifecycle`. The complaints come in through Kafka and the real bridge to the real worker, under
 * a policy of this folder (a six-minute clock with no warnings, for jurisdiction FR); their `receivedAt`
 * is spread over the minute before publishing, so the deadlines are spread over the sixth minute after it.
 *
 * The baseline is Temporal's own part of the same lag, in the same run: the breach event's `occurredAt` is
 * the workflow's time in the task that saw the timer fire, so deadline → occurredAt is the server's timer
 * and task dispatch (what any workflow with a timer pays), and occurredAt → consumed is Redress's: that
 * task's work, the publish, Kafka and the consumer.
 */

const N = num('BENCH_BREACH_N', 1_000);
const SPREAD_MS = num('BENCH_BREACH_SPREAD_SECONDS', 60) * 1000;
/** The policy's final-response target (bench/breach/policies), 0.1 hours. */
const TARGET_MS = 6 * 60_000;

interface Breach {
  deadline: number;
  occurredAt: number;
  consumedAt: number;
}

/** Nearest-rank percentiles of a sample, in milliseconds. */
function percentiles(values: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { p50: at(50), p90: at(90), p99: at(99), max: sorted[sorted.length - 1] ?? NaN };
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
  process.stderr.write(`breach-lag benchmark ${run}: starting servers (logs in ${logDir})\n`);
  const s = await benchServers(logDir);
  env.REDRESS_PAYLOAD_KEYS ??= newRingEntry('bench-1', PAYLOAD_KEY_BYTES);
  const { dataConverter } = loadDataConverter(env);
  const connection = await Connection.connect({ address: s.temporalAddress });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE ?? 'default', dataConverter });
  const taskQueue = `${run}-breach`;
  const config = benchConfig(s, 'breach', taskQueue);
  await ensureTopics(config.kafka.brokers, config.topics);
  const worker = await node(
    'complaint-worker',
    'workers/worker-main.js',
    {
      TEMPORAL_ADDRESS: s.temporalAddress,
      KAFKA_BROKERS: s.kafkaBrokers,
      TEMPORAL_TASK_QUEUE: taskQueue,
      REDRESS_TOPIC_PREFIX: `${run}-breach.`,
      REDRESS_POLICY_DIR: join(repoRoot(), 'bench', 'breach', 'policies'),
      LOG_LEVEL: 'info',
    },
    '"worker started"',
    logDir,
  );
  const kafka = new Kafka({ clientId: run, brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${run}-breaches`, maxWaitTimeInMs: 50 });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  try {
    const loadBefore = loadavg();
    const acknowledged = new Set<string>();
    const breaches = new Map<string, Breach>();
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.lifecycle, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: ({ message }) => {
        const consumedAt = Date.now();
        const event = JSON.parse(message.value?.toString('utf8') ?? '{}') as {
          type?: string;
          complaintId?: string;
          occurredAt?: string;
          data?: { clock?: string; deadline?: string };
        };
        const id = event.complaintId;
        if (!id) return Promise.resolve();
        if (event.type === 'complaint.acknowledged') acknowledged.add(id);
        if (
          event.type === 'complaint.deadline-breached' &&
          event.data?.clock === 'final-response' &&
          event.data.deadline &&
          event.occurredAt &&
          !breaches.has(id)
        ) {
          breaches.set(id, {
            deadline: Date.parse(event.data.deadline),
            occurredAt: Date.parse(event.occurredAt),
            consumedAt,
          });
        }
        return Promise.resolve();
      },
    });
    const bridge = await startBridge(config, client, logger, { maxInFlight: PARAMS.concurrency });
    await producer.connect();

    // Received over the minute before now: the deadlines fall over the sixth minute from now.
    const t0 = Date.now();
    const ids = Array.from({ length: N }, (_, i) => `${run}-f-${i}`);
    const firstDeadline = t0 - SPREAD_MS + TARGET_MS;
    for (let i = 0; i < N; i += 500) {
      await producer.send({
        topic: config.topics.intake,
        acks: -1,
        messages: ids.slice(i, i + 500).map((id, j) => {
          const receivedAt = new Date(t0 - SPREAD_MS + ((i + j) * SPREAD_MS) / N).toISOString();
          return { key: id, value: JSON.stringify(receivedEvent(id, { jurisdiction: 'FR', receivedAt })) };
        }),
      });
    }
    const doneStarting = progress('f: complaints acknowledged', () => acknowledged.size, N);
    while (acknowledged.size < N) {
      if (Date.now() > firstDeadline)
        throw new Error(`only ${acknowledged.size}/${N} acknowledged by the first deadline`);
      await sleep(50);
    }
    doneStarting();
    const startedAllMs = Date.now() - t0;
    process.stderr.write(
      `all ${N} acknowledged in ${(startedAllMs / 1000).toFixed(1)} s; the deadlines begin in ${((firstDeadline - Date.now()) / 1000).toFixed(0)} s\n`,
    );
    const doneBreaching = progress('f: breaches consumed', () => breaches.size, N);
    const giveUp = t0 + TARGET_MS + 5 * 60_000;
    while (breaches.size < N) {
      if (Date.now() > giveUp)
        throw new Error(`only ${breaches.size}/${N} breaches consumed 5 minutes after the last deadline`);
      await sleep(50);
    }
    doneBreaching();
    const loadAfter = loadavg();
    await bridge.stop();

    const all = [...breaches.values()];
    const lag = percentiles(all.map((b) => b.consumedAt - b.deadline));
    const temporal = percentiles(all.map((b) => b.occurredAt - b.deadline));
    const redress = percentiles(all.map((b) => b.consumedAt - b.occurredAt));
    const deadlines = all.map((b) => b.deadline);
    const window = (Math.max(...deadlines) - Math.min(...deadlines)) / 1000;
    const result = {
      run,
      startedAt: startedAt.toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadBefore, loadAfter, node: process.version },
      servers: s.local ? 'local (Temporal dev server on SQLite/WAL, KRaft broker)' : 'existing',
      params: { n: N, spreadSeconds: SPREAD_MS / 1000, concurrency: PARAMS.concurrency },
      startedAllSeconds: startedAllMs / 1000,
      deadlineWindowSeconds: window,
      lagMs: lag,
      temporalPartMs: temporal,
      redressPartMs: redress,
      target: { p99Ms: 1000, met: lag.p99 <= 1000 },
    };
    const f = (n: number) => n.toFixed(0);
    const row = (what: string, p: ReturnType<typeof percentiles>) =>
      `| ${what} | ${f(p.p50)} | ${f(p.p90)} | ${f(p.p99)} | ${f(p.max)} |`;
    const table = [
      `${N} final-response deadlines in ${window.toFixed(1)} s; all complaints acknowledged ${(startedAllMs / 1000).toFixed(1)} s after the first publish`,
      '',
      '| breach lag (ms) | p50 | p90 | p99 | max |',
      '| --- | ---: | ---: | ---: | ---: |',
      row('deadline → `complaint.deadline-breached` consumed', lag),
      row('of which Temporal: deadline → the task that saw the timer (baseline)', temporal),
      row('of which Redress: that task → the event consumed', redress),
      '',
      `target p99 ≤ 1000 ms: ${result.target.met ? 'met' : 'NOT met'}`,
      `machine: ${cpus().length} cores; load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
    ].join('\n');
    process.stdout.write(`\n${table}\n`);
    const dir = join(repoRoot(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `breach-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`\nresults: ${file}\n`);
  } finally {
    await producer.disconnect().catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    await connection.close();
    await worker.stop();
    await s.stop();
  }
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    process.stderr.write(
      `\nbreach-lag benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Producer } from 'kafkajs';
import pino from 'pino';
import type { Complaint } from '../../domain/complaint';
import { loadConfig, type Config } from '../../config';
import { DEFAULT_TOPICS } from '../../domain/topics';
import { freePort } from '../../infra/free-port';
import { startLocalServers, type LocalServers } from '../../infra/local-servers';
import { startManaged } from '../../infra/managed-process';
import { repoRoot } from '../../infra/paths';

/** What the ingest benchmark's measurements share: parameters, progress, rates, processes, configuration. */

export const env = process.env;
export const num = (name: string, fallback: number) => Number(env[name] ?? fallback);
export const PARAMS = {
  direct: num('BENCH_N_DIRECT', 3_000),
  bridge: num('BENCH_N_BRIDGE', 3_000),
  complaints: num('BENCH_N_COMPLAINTS', 600),
  warmup: num('BENCH_WARMUP', 100),
  concurrency: num('BENCH_CONCURRENCY', 64),
  latencySeconds: num('BENCH_LATENCY_SECONDS', 30),
  /** (a) and (b) alternate in this many rounds, so both see the same background load on a shared machine. */
  rounds: num('BENCH_ROUNDS', 3),
};
export const run = `bench-${Date.now().toString(36)}`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const logger = pino({ level: env.BENCH_LOG_LEVEL ?? 'silent' });

// ---- progress ----

let progressTimer: NodeJS.Timeout | undefined;
export function progress(phase: string, done: () => number, total: number): () => void {
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

/**
 * A complaint.received envelope as upstream systems publish it, the size of a real one (the benchmark
 * measures real payloads).
 */
export function receivedEvent(
  complaintId: string,
  overrides: { jurisdiction?: string; receivedAt?: string } = {},
): {
  eventId: string;
  type: string;
  complaintId: string;
  occurredAt: string;
  source: string;
  data: Complaint;
} {
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
        jurisdiction: overrides.jurisdiction ?? 'GB-ENG',
      },
      channel: 'email',
      category: 'billing',
      summary: 'Charged twice',
      description: 'I was charged twice for my October bill and nobody answered my call.',
      receivedAt: overrides.receivedAt ?? new Date().toISOString(),
    },
  };
}

export interface Rate {
  count: number;
  seconds: number;
  rate: number;
}
/** Rounds together: all they did over all the time they took. */
export function combine(rounds: Rate[]): Rate {
  const count = rounds.reduce((n, r) => n + r.count, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  return { count, seconds, rate: count / seconds };
}

/** Waits until `count()` reaches `warmup` (t0), then `total` (t1): the rate between them. */
export async function rateBetween(
  count: () => number,
  warmup: number,
  total: number,
  timeoutMs: number,
): Promise<Rate> {
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

export async function publishAll(producer: Producer, topic: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await producer.send({
      topic,
      acks: -1,
      messages: ids.slice(i, i + 500).map((id) => ({ key: id, value: JSON.stringify(receivedEvent(id)) })),
    });
  }
}

/**
 * BENCH_CPU_PROF_DIR: where CPU profiles go (issue 17's profile), one folder a process. The spawned processes
 * get `--cpu-prof` on their command line (Node refuses it in NODE_OPTIONS) and write their profiles, one a
 * thread (the worker's workflow threads included), when they exit after a stop.
 */
export const cpuProfDir = env.BENCH_CPU_PROF_DIR;

export function node(name: string, script: string, childEnv: NodeJS.ProcessEnv, ready: string, logDir: string) {
  const logFile = join(logDir, `${name}.log`);
  const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${join(cpuProfDir, name)}`] : [];
  return startManaged({
    name,
    command: process.execPath,
    args: [...profile, join(repoRoot(), 'dist', script)],
    env: { ...process.env, ...childEnv },
    logFile,
    startTimeoutMs: 120_000,
    healthy: async () => {
      const { readFileSync, existsSync } = await import('node:fs');
      return existsSync(logFile) && readFileSync(logFile, 'utf8').includes(ready);
    },
  });
}

export function benchConfig(
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

/** Where the servers are; `metricsUrl` when the benchmark started the Temporal server with its metrics on. */
export type LocalServersLike = Pick<LocalServers, 'temporalAddress' | 'kafkaBrokers'> & { metricsUrl?: string };

/**
 * The servers a benchmark runs on: TEMPORAL_ADDRESS and KAFKA_BROKERS when both are set, or else its own.
 */
export async function benchServers(
  logDir: string,
): Promise<LocalServersLike & { stop(): Promise<void>; local: boolean }> {
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
  const metricsPort = cpuProfDir ? await freePort() : undefined;
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
    // Profiling reads the server's own counters too (bench/profile/server-metrics.ts).
    ...(metricsPort ? { temporalMetricsPort: metricsPort } : {}),
  });
  return { ...s, local: true, ...(metricsPort ? { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` } : {}) };
}

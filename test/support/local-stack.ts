import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/free-port';
import { startManaged, type ManagedProcess } from '../../infra/managed-process';
import { repoRoot } from '../../infra/paths';

/**
 * The real local stack, `node dist/infra/stack.js` as `scripts/up` runs it, on free ports and a
 * temporary data directory, with servers of its own (not the ones globalSetup started: the test kills them).
 */
export interface LocalStack {
  process: ManagedProcess;
  dataDir: string;
  ports: { temporal: number; kafka: number; api: number; store: number; metrics: number };
  /** The process ids the stack recorded, by part (rewritten with every restart). */
  pids(): Record<string, number | undefined>;
  /** `redress_stack_restarts_total` by part, from the stack's /metrics. */
  restarts(): Promise<Record<string, number>>;
  /** The development key the stack made for `role`. */
  apiKey(role: 'operator' | 'auditor'): string;
}

export async function startLocalStack(extraEnv: NodeJS.ProcessEnv = {}): Promise<LocalStack> {
  const main = join(repoRoot(), 'dist', 'infra', 'stack.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-stack-'));
  const port = async () => String(await freePort());
  // The stack runs servers of its own, one broker among them: nothing of a cluster the suite may be
  // pointed at (its addresses, its replication) reaches it.
  const {
    TEMPORAL_ADDRESS: _t,
    KAFKA_BROKERS: _k,
    DATABASE_URL: _d,
    REDRESS_KAFKA_REPLICATION_FACTOR: _rf,
    REDRESS_KAFKA_MIN_INSYNC_REPLICAS: _isr,
    ...inherited
  } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    REDRESS_DATA_DIR: dataDir,
    TEMPORAL_PORT: await port(),
    TEMPORAL_UI_PORT: '0',
    KAFKA_PORT: await port(),
    KAFKA_CONTROLLER_PORT: await port(),
    REDRESS_STORE_SERVE_PORT: await port(),
    REDRESS_STACK_METRICS_PORT: await port(),
    REDRESS_API_PORT: await port(),
    REDRESS_BRIDGE_METRICS_PORT: await port(),
    REDRESS_PROJECTOR_METRICS_PORT: await port(),
    REDRESS_WORKER_METRICS_ADDRESS: `127.0.0.1:${await port()}`,
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const logFile = join(dataDir, 'stack.log');
  const proc = await startManaged({
    name: 'stack',
    command: process.execPath,
    args: [main],
    env,
    logFile,
    // Two servers and four processes on a shared machine; the worker bundles its workflow code.
    startTimeoutMs: 300_000,
    healthy: () => Promise.resolve(existsSync(logFile) && readFileSync(logFile, 'utf8').includes('Redress is running')),
  });
  const ports = {
    temporal: Number(env.TEMPORAL_PORT),
    kafka: Number(env.KAFKA_PORT),
    api: Number(env.REDRESS_API_PORT),
    store: Number(env.REDRESS_STORE_SERVE_PORT),
    metrics: Number(env.REDRESS_STACK_METRICS_PORT),
  };
  return {
    process: proc,
    dataDir,
    ports,
    pids: () => JSON.parse(readFileSync(join(dataDir, 'stack.pids'), 'utf8')) as Record<string, number | undefined>,
    async restarts() {
      const text = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
      const counts: Record<string, number> = {};
      for (const m of text.matchAll(/^redress_stack_restarts_total\{process="([^"]+)"\} (\d+)$/gm)) {
        counts[m[1]!] = Number(m[2]);
      }
      return counts;
    },
    apiKey(role) {
      const file = readFileSync(join(dataDir, 'dev-api-keys.env'), 'utf8');
      const key = new RegExp(`REDRESS_${role.toUpperCase()}_KEY=['"]?([^'"\\s]+)`).exec(file)?.[1];
      if (!key) throw new Error(`no ${role} key in the stack's dev-api-keys.env`);
      return key;
    },
  };
}

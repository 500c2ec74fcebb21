import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_TOPICS } from '../../domain/topics';
import { ensureTopics } from '../kafka-topics';
import type { ManagedProcess } from '../managed-process';
import type { PostgresServer } from '../postgres-server';
import { redressSpecs, startRedressProcess, type RedressProcessSpec } from './redress-processes';
import { ensureClusterSecrets } from './secrets';
import {
  ensureDatabase,
  ensureTemporalSchemas,
  startClusterBroker,
  startClusterKafka,
  startClusterPostgres,
  startClusterTemporal,
  startClusterUi,
} from './servers';
import { brokerList, temporalAddress, type ClusterTopology } from './topology';

/** The database of the complaint store on the cluster's PostgreSQL (Temporal's are beside it). */
export const STORE_DATABASE = 'redress';

/**
 * The running cluster. Every part can be killed and started again by name: `postgres`, `temporal`,
 * `temporal-ui`, `kafka-<n>`, and each Redress process (`worker-1`, `bridge-2`, `api-1`, `projector`).
 */
export interface Cluster {
  topology: ClusterTopology;
  temporalAddress: string;
  kafkaBrokers: string;
  databaseUrl: string;
  apiUrls: string[];
  uiUrl: string;
  logDir: string;
  apiKeysEnvFile: string;
  /** The environment a Redress process of this cluster runs with (secrets as files, production mode). */
  redressEnv: NodeJS.ProcessEnv;
  names(): string[];
  /** The pid of a part, or undefined when it is not running. */
  pid(name: string): number | undefined;
  /** SIGKILL, and wait until it is gone. */
  kill(name: string): Promise<void>;
  /** Starts a part that is not running and waits until it is healthy. */
  start(name: string): Promise<void>;
  /** Resolves when a part exits on its own (not by kill or stop). */
  onExit(listener: (name: string, code: number | null) => void): void;
  stop(): Promise<void>;
}

interface Part {
  start(): Promise<ManagedProcess | PostgresServer>;
  running?: ManagedProcess | PostgresServer;
}

/** Brings the whole topology up in dependency order; on failure stops what started and rethrows. */
export async function startCluster(t: ClusterTopology, env: NodeJS.ProcessEnv, logger: Logger): Promise<Cluster> {
  const logDir = join(t.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const secrets = ensureClusterSecrets(join(t.dataDir, 'secrets'));
  const pgAdminUrl = `postgres://postgres@${t.host}:${t.postgres.port}/postgres`;
  const databaseUrl = `postgres://postgres@${t.host}:${t.postgres.port}/${STORE_DATABASE}`;
  const redressEnv: NodeJS.ProcessEnv = { ...env, ...secrets.env, REDRESS_DATA_DIR: join(t.dataDir, 'redress') };
  const specs = redressSpecs(t, redressEnv, databaseUrl);
  const apiUrls = specs.filter((s) => s.port !== undefined).map((s) => `http://${t.host}:${String(s.port)}`);

  const exitListeners: Array<(name: string, code: number | null) => void> = [];
  const killed = new Set<string>();
  const parts = new Map<string, Part>();
  const track = (name: string, p: ManagedProcess) => {
    void p.exited.then((code) => {
      if (parts.get(name)?.running !== p) return;
      parts.get(name)!.running = undefined;
      if (killed.delete(name)) return;
      for (const l of exitListeners) l(name, code);
    });
    return p;
  };
  const managed = (name: string, start: () => Promise<ManagedProcess>) =>
    parts.set(name, { start: async () => track(name, await start()) });

  parts.set('postgres', { start: () => Promise.resolve(startClusterPostgres(t)) });
  managed('temporal', () => startClusterTemporal(t, logDir, env));
  for (const b of t.kafka.brokers) managed(`kafka-${b.nodeId}`, () => startClusterBroker(t, b.nodeId, logDir, env));
  for (const s of specs) managed(s.name, () => startRedressProcess(s, t.host, logDir));
  managed('temporal-ui', () => startClusterUi(t, logDir, env, `${apiUrls[0] ?? ''}/codec`));

  const startPart = async (name: string) => {
    const part = parts.get(name);
    if (!part) throw new Error(`no part named ${name} in the cluster`);
    if (part.running) return;
    part.running = await part.start();
  };
  const stopPart = async (name: string) => {
    const part = parts.get(name);
    const running = part?.running;
    if (!part || !running) return;
    killed.add(name);
    if ('child' in running) await running.stop();
    else running.stop();
    part.running = undefined;
    killed.delete(name);
  };
  const order = [...parts.keys()];
  const stop = async () => {
    for (const name of [...order].reverse()) await stopPart(name).catch((err: unknown) => logger.warn({ err, part: name }, 'stop failed'));
  };

  try {
    await startPart('postgres');
    const pgServer = parts.get('postgres')!.running as PostgresServer;
    logger.info({ url: pgServer.url }, 'postgres up');
    await ensureTemporalSchemas(t, pgAdminUrl, env);
    await ensureDatabase(pgAdminUrl, STORE_DATABASE);
    // Temporal and the brokers in parallel: both take tens of seconds, and neither needs the other.
    const kafka = startClusterKafka(t, logDir, env);
    await startPart('temporal');
    logger.info({ address: temporalAddress(t) }, 'temporal up');
    const brokers = await kafka;
    t.kafka.brokers.forEach((b, i) => (parts.get(`kafka-${b.nodeId}`)!.running = track(`kafka-${b.nodeId}`, brokers[i]!)));
    logger.info({ brokers: brokerList(t) }, 'kafka up');
    await ensureTopics(brokerList(t).split(','), { ...DEFAULT_TOPICS }, {
      partitions: t.kafka.partitions,
      replicationFactor: t.kafka.replicationFactor,
      minInsyncReplicas: t.kafka.minInsyncReplicas,
    });
    for (const s of specs) {
      await startPart(s.name);
      logger.info({ part: s.name }, 'started');
    }
    await startPart('temporal-ui');
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    topology: t,
    temporalAddress: temporalAddress(t),
    kafkaBrokers: brokerList(t),
    databaseUrl,
    apiUrls,
    uiUrl: `http://${t.host}:${t.temporal.uiPort}`,
    logDir,
    apiKeysEnvFile: secrets.apiKeysEnvFile,
    redressEnv,
    names: () => [...order],
    pid: (name) => {
      const running = parts.get(name)?.running;
      if (!running) return undefined;
      return 'child' in running ? running.child.pid : postgresPid(running);
    },
    kill: async (name) => {
      const running = parts.get(name)?.running;
      if (!running) return;
      killed.add(name);
      if ('child' in running) {
        process.kill(-running.child.pid!, 'SIGKILL');
        await running.exited;
      } else {
        const pid = postgresPid(running);
        if (pid) process.kill(pid, 'SIGKILL');
        // The postmaster's children notice and exit; pg_ctl then finds no server and may start one.
        await waitUntil(() => !pidAlive(pid));
        parts.get(name)!.running = undefined;
        killed.delete(name);
      }
    },
    start: startPart,
    onExit: (l) => exitListeners.push(l),
    stop,
  };
}

/** The postmaster's pid, from the first line of postmaster.pid. */
function postgresPid(server: PostgresServer): number | undefined {
  try {
    return Number(readFileSync(join(server.dataDir, 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type { RedressProcessSpec };

import { join } from 'node:path';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { startLocalServers } from './local-servers';
import { StartError, startManaged, type ManagedProcess } from './managed-process';
import { dataDir as defaultDataDir } from '../platform/data-dir';
import { repoRoot } from './paths';

/**
 * The main job: the whole local stack in one process tree. Temporal (with its UI) and Kafka, unless
 * TEMPORAL_ADDRESS / KAFKA_BROKERS name servers that already run, then the worker, the Kafka bridge,
 * the projector (the complaint store) and the HTTP API as their own processes. Ctrl-C or SIGTERM stops everything, newest first; data
 * stays in REDRESS_DATA_DIR for the next start.
 */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger('stack');
  const config = loadConfig(env);
  const host = '127.0.0.1';
  const dataDir = defaultDataDir(env);
  const logDir = join(dataDir, 'logs');
  const num = (name: string, fallback: number) => Number(env[name] ?? fallback);

  await stopLeftovers(dataDir, logger);
  const uiPort = num('TEMPORAL_UI_PORT', 8233);
  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  const servers = await startLocalServers({
    ...(env.TEMPORAL_ADDRESS ? { existingTemporal: env.TEMPORAL_ADDRESS } : {}),
    ...(env.KAFKA_BROKERS ? { existingKafka: env.KAFKA_BROKERS } : {}),
    host,
    temporalPort: num('TEMPORAL_PORT', 7233),
    uiPort,
    // The UI decodes payloads through the API (clients/api/codec-routes.ts), which allows its origin.
    codecEndpoint: `${apiUrl}/codec`,
    kafkaPort: num('KAFKA_PORT', 9092),
    kafkaControllerPort: num('KAFKA_CONTROLLER_PORT', 9093),
    dataDir,
    persistTemporal: true,
    logDir,
    namespace: config.temporal.namespace,
    topics: config.topics,
  });
  const children: ManagedProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping the stack');
    for (const c of [...children].reverse()) await c.stop();
    await servers.stop();
    rmSync(pidFile(dataDir), { force: true });
    logger.info('stack stopped; data kept in %s', dataDir);
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const childEnv = {
    REDRESS_CODEC_CORS_ORIGIN: `http://${host}:${uiPort}`,
    ...env,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    KAFKA_BROKERS: servers.kafkaBrokers,
  };
  const dist = join(repoRoot(), 'dist');
  const logSays = (file: string, text: string) => () =>
    Promise.resolve(existsSync(file) && readFileSync(file, 'utf8').includes(text));
  // The store: DATABASE_URL when set; else the projector's embedded PGlite, which it serves on a local
  // port for the API to read (PGlite has one owner).
  const storePort = num('REDRESS_STORE_SERVE_PORT', 5433);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const storeEnv = databaseUrl
    ? { projector: {}, api: {} }
    : {
        projector: { REDRESS_STORE_SERVE_PORT: String(storePort) },
        api: { DATABASE_URL: `postgres://postgres@127.0.0.1:${storePort}/postgres` },
      };
  const node = (
    name: string,
    script: string,
    healthy: (logFile: string) => () => Promise<boolean>,
    extraEnv: NodeJS.ProcessEnv = {},
  ) => {
    const logFile = join(logDir, `${name}.log`);
    return startManaged({
      name,
      command: process.execPath,
      args: [join(dist, script)],
      env: { ...childEnv, ...extraEnv },
      logFile,
      startTimeoutMs: 120_000,
      healthy: healthy(logFile),
    });
  };
  try {
    children.push(await node('worker', 'workers/worker-main.js', (f) => logSays(f, '"worker started"')));
    children.push(await node('bridge', 'workers/bridge-main.js', (f) => logSays(f, '"bridge consuming"')));
    children.push(
      await node(
        'projector',
        'workers/projector/main.js',
        (f) => logSays(f, '"projector consuming"'),
        storeEnv.projector,
      ),
    );
    children.push(
      await node(
        'api',
        'clients/api/main.js',
        () => async () => (await fetch(`${apiUrl}/health`).catch(() => null))?.ok ?? false,
        storeEnv.api,
      ),
    );
  } catch (err) {
    logger.error({ component: err instanceof StartError ? err.component : undefined }, (err as Error).message);
    await stopAll(1);
    return;
  }
  // If this runner is killed outright, the next start finds and stops what it left behind.
  writeFileSync(pidFile(dataDir), JSON.stringify([...servers.started, ...children].map((p) => p.child.pid)));
  for (const c of children) {
    void c.exited.then((code) => {
      if (stopping) return;
      logger.error({ process: c.name, code, log: c.logFile }, `${c.name} exited unexpectedly; stopping the stack`);
      void stopAll(1);
    });
  }

  const lines = [
    '',
    'Redress is running:',
    `  Temporal      ${servers.temporalAddress}${env.TEMPORAL_ADDRESS ? ' (existing server)' : ''}`,
    ...(servers.uiUrl ? [`  Temporal UI   ${servers.uiUrl}`] : []),
    `  Kafka         ${servers.kafkaBrokers}${env.KAFKA_BROKERS ? ' (existing broker)' : ''}`,
    `  HTTP API      ${apiUrl}   (try: curl ${apiUrl}/health)`,
    `  worker        task queue "${config.temporal.taskQueue}"`,
    `  bridge        ${config.topics.intake}, ${config.topics.events} -> Temporal`,
    `  projector     ${config.topics.lifecycle}, ${config.topics.notifications}, ${config.topics.remedies} -> store`,
    `  store         ${databaseUrl ? 'DATABASE_URL' : `embedded (PGlite) in ${join(dataDir, 'store')}, served on 127.0.0.1:${storePort}`}`,
    `  logs          ${logDir}`,
    `  data          ${dataDir}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const pidFile = (dataDir: string) => join(dataDir, 'stack.pids');

/**
 * Stops the process groups a previous runner recorded and did not stop (it was killed with SIGKILL, or
 * its terminal closed): otherwise they would hold the ports and the data directory's locks.
 */
async function stopLeftovers(dataDir: string, logger: Logger): Promise<void> {
  if (!existsSync(pidFile(dataDir))) return;
  const pids = (JSON.parse(readFileSync(pidFile(dataDir), 'utf8')) as Array<number | null>).filter(
    (p): p is number => typeof p === 'number',
  );
  const alive = (pid: number) => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const left = pids.filter(alive);
  if (left.length > 0) logger.warn({ pids: left }, 'stopping processes a previous run left behind');
  for (const pid of left) process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 60 && left.some(alive); i++) await new Promise((r) => setTimeout(r, 250));
  for (const pid of left.filter(alive)) process.kill(-pid, 'SIGKILL');
  rmSync(pidFile(dataDir), { force: true });
}

main().catch((err: unknown) => {
  createLogger('stack').fatal({ err: err instanceof Error ? err.message : err }, 'the stack did not start');
  process.exit(1);
});

import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { describeFieldErrors, fieldErrors } from '../domain/validation';
import { localServerSpecs } from './local-servers';
import { StartError } from './managed-process';
import { dataDir as defaultDataDir } from '../platform/data-dir';
import { restartPolicyFromEnv } from './restart-policy';
import { redressProcessSpecs } from './stack-processes';
import { Supervisor } from './supervisor';
import { pidFile, recordPids, reportGiveUp, serveMetrics, stopLeftovers } from './supervisor-runner';

/**
 * The main job: the whole local stack in one process tree. Temporal (with its UI) and Kafka, unless
 * TEMPORAL_ADDRESS / KAFKA_BROKERS name servers that already run, then the worker, the Kafka bridge,
 * the projector (the complaint store) and the HTTP API as their own processes, all under a supervisor
 * that starts again whichever dies (README: "When a part dies"). Ctrl-C or SIGTERM stops everything,
 * newest first, with no restarts; data stays in REDRESS_DATA_DIR for the next start.
 */
const StackEnvSchema = z.object({
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65_535).default(7233),
  /** 0: the dev server runs without its UI. */
  TEMPORAL_UI_PORT: z.coerce.number().int().min(0).max(65_535).default(8233),
  KAFKA_PORT: z.coerce.number().int().min(1).max(65_535).default(9092),
  KAFKA_CONTROLLER_PORT: z.coerce.number().int().min(1).max(65_535).default(9093),
  REDRESS_STORE_SERVE_PORT: z.coerce.number().int().min(1).max(65_535).default(5433),
  /** Where the stack serves its restart counter; 0: nowhere (the counts are still logged). */
  REDRESS_STACK_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9467),
});

async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger('stack');
  const config = loadConfig(env);
  const parsed = StackEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${describeFieldErrors(fieldErrors(parsed.error))}`);
  const settings = parsed.data;
  const policy = restartPolicyFromEnv(env);
  const host = '127.0.0.1';
  const dataDir = defaultDataDir(env);
  const logDir = join(dataDir, 'logs');

  await stopLeftovers(pidFile(dataDir), logger);
  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  const servers = localServerSpecs({
    ...(env.TEMPORAL_ADDRESS ? { existingTemporal: env.TEMPORAL_ADDRESS } : {}),
    ...(env.KAFKA_BROKERS ? { existingKafka: env.KAFKA_BROKERS } : {}),
    host,
    temporalPort: settings.TEMPORAL_PORT,
    uiPort: settings.TEMPORAL_UI_PORT,
    // The UI decodes payloads through the API (clients/api/codec-routes.ts), which allows its origin.
    codecEndpoint: `${apiUrl}/codec`,
    kafkaPort: settings.KAFKA_PORT,
    kafkaControllerPort: settings.KAFKA_CONTROLLER_PORT,
    dataDir,
    persistTemporal: true,
    logDir,
    namespace: config.temporal.namespace,
    topics: config.topics,
  });
  // The store: DATABASE_URL when set; else the projector's embedded PGlite, which it serves on a local
  // port for the API to read (PGlite has one owner).
  const storePort = settings.REDRESS_STORE_SERVE_PORT;
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const specs = [
    ...servers.specs,
    ...redressProcessSpecs({
      logDir,
      env: {
        REDRESS_CODEC_CORS_ORIGIN: `http://${host}:${settings.TEMPORAL_UI_PORT}`,
        ...env,
        TEMPORAL_ADDRESS: servers.temporalAddress,
        KAFKA_BROKERS: servers.kafkaBrokers,
      },
      apiUrl,
      storeEnv: databaseUrl
        ? { projector: {}, api: {} }
        : {
            projector: { REDRESS_STORE_SERVE_PORT: String(storePort) },
            api: { DATABASE_URL: `postgres://postgres@127.0.0.1:${storePort}/postgres` },
          },
      servers: {
        ...(env.TEMPORAL_ADDRESS ? {} : { temporal: 'temporal' }),
        ...(env.KAFKA_BROKERS ? {} : { kafka: 'kafka' }),
      },
    }),
  ];
  // If this runner is killed outright, the next start finds and stops what it left behind: the file is
  // rewritten with every start and restart, so it always names the processes running now.
  const supervisor = new Supervisor(specs, {
    logger,
    policy,
    onStarted: () => recordPids(pidFile(dataDir), supervisor),
  });
  const metrics =
    settings.REDRESS_STACK_METRICS_PORT > 0
      ? await serveMetrics(supervisor, host, settings.REDRESS_STACK_METRICS_PORT)
      : undefined;
  const stopAll = () => void supervisor.stop();
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  const failed = await servers
    .provisionExisting()
    .then(() => supervisor.start())
    .then(
      () => false,
      (err: unknown) => {
        logger.error({ component: err instanceof StartError ? err.component : undefined }, (err as Error).message);
        return true;
      },
    );
  if (failed) await supervisor.stop();
  else printWhereEverythingIs();
  const gaveUp = await supervisor.stopped;
  metrics?.close();
  rmSync(pidFile(dataDir), { force: true });
  if (gaveUp) reportGiveUp(gaveUp, logger, 'the stack');
  logger.info('stack stopped; data kept in %s', dataDir);
  process.exit(failed || gaveUp ? 1 : 0);

  function printWhereEverythingIs(): void {
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
      ...(metrics ? [`  restarts      http://${host}:${settings.REDRESS_STACK_METRICS_PORT}/metrics`] : []),
      `  logs          ${logDir}`,
      `  data          ${dataDir}`,
      'A part that dies is started again; Ctrl-C stops everything.',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
}

main().catch((err: unknown) => {
  createLogger('stack').fatal({ err: err instanceof Error ? err.message : err }, 'the stack did not start');
  process.exit(1);
});

import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { dataDir } from '../../platform/data-dir';
import { loadOriginalProtection, type OriginalProtection } from '../../platform/dead-letter-seal';
import { textSeal } from '../../platform/store-seal';
import { sealClearLetters } from '../../store/letters';
import { openStore, type OpenStore } from '../../store/open';
import { eraseEndedBefore, retentionCutoff } from '../../store/retention';
import { serveEmbeddedStore } from '../../store/serve';
import { createKafka } from '../../platform/kafka-client';
import { startProjector, type Projector } from './projector';
import { rebuildStore } from './rebuild';
import { startRetention } from './retention-job';
import { describeTransportSecurity } from '../../config/transport-security';

/**
 * The projector process: `node dist/workers/projector/main.js` projects until SIGTERM;
 * `… --rebuild` empties the store, re-reads every topic from its first offset, and exits when caught up
 * (and erases again what retention had erased, which the topics still hold).
 *
 * The store is `DATABASE_URL` (PostgreSQL) when set, else PGlite in `$REDRESS_DATA_DIR/store`. PGlite
 * has one owner, this process; `REDRESS_STORE_SERVE_PORT` lets others (the API) read it over the
 * PostgreSQL protocol on 127.0.0.1, which is how the local stack shares it.
 */
const ProjectorEnvSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  REDRESS_PROJECTOR_GROUP: z.string().min(1).default('redress-projector'),
  REDRESS_PROJECTOR_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  REDRESS_PROJECTOR_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9466),
  REDRESS_PROJECTOR_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  REDRESS_STORE_SERVE_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Years a complaint's record is kept after it ended (DISP 1.9 asks 3+; 6 covers limitation periods); 0: never erase. */
  REDRESS_RETENTION_YEARS: z.coerce.number().int().min(0).max(100).default(6),
  REDRESS_RETENTION_INTERVAL_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(24),
});
type ProjectorEnv = z.infer<typeof ProjectorEnvSchema>;

/** Opens (and migrates) the store, retrying while the database is unreachable: a start before the database is no error. */
async function openWithRetry(env: ProjectorEnv, logger: Logger): Promise<OpenStore> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const store = await openStore({
        ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
        dataDir: dataDir(),
      });
      logger.info({ store: store.where, driver: store.db.driver, migrated: store.migrated }, 'store open');
      return store;
    } catch (err) {
      if (!env.DATABASE_URL) throw err;
      logger.warn({ attempt, err: (err as Error).message }, 'store unreachable; retrying in 2 s');
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

/**
 * Seals the letter bodies still in clear (stored before migration 0008) with the ring, at every start
 * (store/letters.ts): no rebuild reseals them, and after the first start there are none. A failure is
 * logged and tried at the next start; it does not keep the projector from projecting. Logs a count only.
 */
async function sealLettersInClear(store: OpenStore, originals: OriginalProtection, logger: Logger): Promise<void> {
  try {
    const letters = await sealClearLetters(store.db, textSeal(originals));
    if (letters > 0) logger.info({ letters }, 'sealed the bodies of letters stored in clear');
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'letter bodies in clear not sealed; trying at the next start');
  }
}

/** `/metrics` (the projector's and the process's) and `/health` (503 while degraded). */
function serve(env: ProjectorEnv, projector: Projector, logger: Logger): Promise<Server> {
  const processMetrics = new Registry();
  collectDefaultMetrics({ register: processMetrics, prefix: 'redress_projector_' });
  const registry = Registry.merge([projector.metrics.registry, processMetrics]);
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end((err as Error).message),
      );
      return;
    }
    if (req.url === '/health') {
      const h = projector.health();
      res.writeHead(h.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /health');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.REDRESS_PROJECTOR_METRICS_PORT, env.REDRESS_PROJECTOR_METRICS_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : env.REDRESS_PROJECTOR_METRICS_PORT;
      logger.info({ url: `http://${env.REDRESS_PROJECTOR_METRICS_HOST}:${port}/metrics` }, 'projector metrics served');
      resolve(server);
    });
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const env = ProjectorEnvSchema.parse(process.env);
  const logger = createLogger('projector', config.logLevel);
  logger.info(describeTransportSecurity(config), 'transport security');
  const kafka = createKafka(config, 'projector', logger);
  const store = await openWithRetry(env, logger);
  const originals = loadOriginalProtection();
  await sealLettersInClear(store, originals, logger);
  if (process.argv.includes('--rebuild')) {
    await rebuildStore(config, kafka, store.db, logger, { groupId: env.REDRESS_PROJECTOR_GROUP });
    // The topics still hold what retention erased: erase it again before anyone reads the rebuilt store.
    if (env.REDRESS_RETENTION_YEARS > 0) {
      const cutoff = retentionCutoff(new Date(), env.REDRESS_RETENTION_YEARS);
      logger.info({ cutoff, ...(await eraseEndedBefore(store.db, cutoff)) }, 'retention applied to the rebuilt store');
    }
    await store.db.close();
    process.exit(0);
  }
  const served =
    store.lite && env.REDRESS_STORE_SERVE_PORT !== undefined
      ? await serveEmbeddedStore(store.lite, env.REDRESS_STORE_SERVE_PORT)
      : undefined;
  if (served) logger.info({ url: served.url }, 'embedded store served');
  const projector = await startProjector(config, kafka, store.db, logger, {
    groupId: env.REDRESS_PROJECTOR_GROUP,
    originals,
    sessionTimeoutMs: env.REDRESS_PROJECTOR_SESSION_TIMEOUT_MS,
  });
  const server = await serve(env, projector, logger);
  const stopRetention =
    env.REDRESS_RETENTION_YEARS > 0
      ? startRetention(store.db, logger, {
          years: env.REDRESS_RETENTION_YEARS,
          intervalMs: env.REDRESS_RETENTION_INTERVAL_HOURS * 3_600_000,
        })
      : undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping projector');
    stopRetention?.();
    // The batch in flight commits (database, then offsets) before the consumer leaves the group.
    projector
      .stop()
      .then(() => new Promise<void>((resolve) => server.close(() => resolve())))
      .then(() => served?.stop())
      .then(() => store.db.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'projector did not stop cleanly');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  createLogger('projector').fatal({ err }, 'projector failed');
  process.exit(1);
});

import { loadApiSettings, loadConfig } from '../../config';
import { loadApiKeys } from '../../config/api-keys';
import { createLogger } from '../../config/logger';
import { dataDir } from '../../platform/data-dir';
import { KafkaProbe, temporalAnswers } from '../../platform/health';
import { SearchIndex } from '../../platform/search-index';
import { loadSearchKeys } from '../../platform/search-keys';
import { pgDb } from '../../store/db';
import { redactUrl } from '../../store/open';
import { connectClient } from '../temporal';
import { describePayloadKeys, loadDataConverter } from '../../platform/data-converter';
import { originalProtection } from '../../platform/dead-letter-seal';
import { loadProductGroups } from '../../platform/product-group-files';
import { textSeal } from '../../platform/store-seal';
import { createKafka } from '../../platform/kafka-client';
import { loadPolicies } from '../../platform/policy-files';
import { DeadLetters } from './dead-letters';
import { codecCorsOrigin, registerCodecRoutes } from './codec-routes';
import { buildApi } from './app';
import { Complaints } from './complaints';
import { ApiMetrics, startLifecycleMetrics } from './metrics';
import { describeTransportSecurity } from '../../config/transport-security';

/**
 * The API process: listens until SIGINT or SIGTERM, then drains requests and exits. Keys come from
 * REDRESS_API_KEYS / REDRESS_API_KEYS_FILE; with neither, local development keys are made once under the
 * data directory (their file's path is logged, never a key).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const settings = loadApiSettings();
  const logger = createLogger('api', config.logLevel);
  logger.info(describeTransportSecurity(config), 'transport security');
  // A deployment (the image sets NODE_ENV=production) refuses development keys; see loadApiKeys.
  const keys = loadApiKeys(settings, dataDir(), { production: process.env.NODE_ENV === 'production' });
  if (keys.files) {
    logger.warn(
      { keysFile: keys.files.keysFile, secretsFile: keys.files.secretsFile, created: keys.created },
      `no API keys configured: using local development keys (source ${keys.files.secretsFile} for them)`,
    );
  } else {
    logger.info({ sources: keys.sources, count: keys.store.size }, 'API keys loaded');
  }
  // Loaded before anything connects: in production a missing payload key ring stops the API here.
  const { dataConverter, keys: payloadKeys } = loadDataConverter(process.env);
  logger.info(describePayloadKeys(payloadKeys), 'payload encryption');
  const corsOrigin = codecCorsOrigin(process.env);
  const { client, close } = await connectClient(config, dataConverter);
  // The store is read, never migrated, here: the projector owns its schema. Without one, lists come
  // from Temporal visibility (and a complaint past Temporal's retention is a 404).
  const databaseUrl = process.env.DATABASE_URL?.trim();
  const store = databaseUrl ? pgDb(databaseUrl) : undefined;
  logger.info(
    { store: databaseUrl ? redactUrl(databaseUrl) : 'none: lists from Temporal visibility' },
    'complaint store',
  );
  const scope = { taskQueue: config.temporal.taskQueue };
  // Loaded before anything listens: in production a missing key ring stops the API here, by name.
  const searchKeys = loadSearchKeys(process.env, dataDir());
  logger.info({ source: searchKeys.source, keyIds: searchKeys.keys.map((k) => k.id) }, 'search-index keys loaded');
  const search = new SearchIndex(searchKeys.keys);
  const complaints = new Complaints(client, config.temporal.taskQueue, settings.workerTimeouts);
  const metrics = new ApiMetrics({
    client,
    scope,
    logger,
    ...(settings.workerMetricsUrl ? { workerMetricsUrl: settings.workerMetricsUrl } : {}),
    ...(settings.bridgeMetricsUrl ? { bridgeMetricsUrl: settings.bridgeMetricsUrl } : {}),
    receivedAtOf: async (id) => (await complaints.status(id)).receivedAt,
    ...(store ? { store } : {}),
  });
  // In the background: the API serves (and /health says Kafka is down) even while Kafka is unreachable.
  const lifecycle = startLifecycleMetrics(config, settings.metricsGroup, metrics, logger).catch((err: unknown) => {
    logger.error({ err: (err as Error).message }, 'lifecycle metrics not available: cannot read the lifecycle topic');
    return undefined;
  });
  // /health probes over connections held for the process's life, never one per request (and the app
  // caches their answer for REDRESS_API_OPERATIONS_CACHE_MS).
  const kafkaProbe = new KafkaProbe(config.kafka.brokers, `${config.kafka.clientId}-api-health`, config.kafka.security);
  // The same ring that seals Temporal's payloads opens the dead letters the bridge and the projector sealed.
  const protection = originalProtection(payloadKeys);
  const deadLetters = new DeadLetters({
    kafka: createKafka(config, 'api-dead-letters', logger),
    topics: config.topics,
    cipher: 'seal' in protection ? protection.seal : undefined,
    logger,
    policies: loadPolicies(),
  });
  const app = buildApi({
    config,
    client,
    logger,
    keys: keys.store,
    metrics,
    rateLimitPerMinute: settings.rateLimitPerMinute,
    listScanLimit: settings.listScanLimit,
    workerTimeouts: settings.workerTimeouts,
    trustProxy: settings.trustProxy,
    operationsCacheMs: settings.operationsCacheMs,
    operationsRateLimitPerMinute: settings.operationsRateLimitPerMinute,
    ...(store ? { store } : {}),
    // The ring that seals Temporal's payloads also opens the survey comments and letter bodies the projector sealed.
    seal: textSeal(protection),
    // Read at start: a bad mapping file stops the API here, naming the field, not on the day of the return.
    productGroups: loadProductGroups(),
    search,
    deadLetters,
    health: async () => ({
      temporal: await temporalAnswers(client, config.temporal.namespace),
      kafka: await kafkaProbe.check(),
      ...(store
        ? {
            store: await store.query('SELECT 1').then(
              () => true,
              () => false,
            ),
          }
        : {}),
    }),
  });
  registerCodecRoutes(app, {
    codec: dataConverter.payloadCodecs?.[0],
    keys: keys.store,
    namespace: config.temporal.namespace,
    corsOrigin,
    // The dev server's UI has no login to pass a key from; development keys are refused in production.
    anonymousDecodeFromUi: keys.files !== undefined,
  });
  await app.listen({ host: config.api.host, port: config.api.port });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping api');
    app
      .close()
      .then(() => kafkaProbe.close())
      .then(() => deadLetters.close())
      .then(() => lifecycle)
      .then((l) => l?.stop())
      .then(() => store?.close())
      .then(close)
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  createLogger('api').fatal({ err }, 'api failed');
  process.exit(1);
});

import { createServer, type Server } from 'node:http';
import { Client } from '@temporalio/client';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { loadBridgeSettings, loadConfig, type BridgeSettings } from '../config';
import { createLogger } from '../config/logger';
import { dataDir } from '../platform/data-dir';
import { SearchIndex } from '../platform/search-index';
import { loadSearchKeys } from '../platform/search-keys';
import { describePayloadKeys, loadDataConverter } from '../platform/data-converter';
import { startBridge, type Bridge } from './bridge/bridge';
import { connectTemporal } from '../platform/temporal-connection';
import { describeTransportSecurity } from '../config/transport-security';

/** Serves the bridge's metrics (and the process's own) for Prometheus, and a liveness probe. */
function serveMetrics(bridge: Bridge, logger: Logger, settings: BridgeSettings): Promise<Server> {
  const { host, port: wanted } = settings.metrics;
  const processMetrics = new Registry();
  collectDefaultMetrics({ register: processMetrics, prefix: 'redress_bridge_' });
  const registry = Registry.merge([bridge.metrics.registry, processMetrics]);
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        })
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end((err as Error).message);
        });
      return;
    }
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', ...bridge.stats }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found: try /metrics or /health');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : wanted;
      logger.info({ url: `http://${host}:${port}/metrics` }, 'bridge metrics served');
      resolve(server);
    });
  });
}

/**
 * The bridge process: Kafka in, Temporal out, until SIGINT or SIGTERM. A stop finishes the
 * deliveries in flight, commits their offsets and leaves the consumer group, so the partitions
 * move to another bridge at once and nothing is delivered twice; a second signal exits at once.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // Validated before anything connects, so a bad variable fails fast with its name.
  const settings = loadBridgeSettings();
  const logger = createLogger('bridge', config.logLevel);
  logger.info(describeTransportSecurity(config), 'transport security');
  // Loaded before anything connects: in production a missing payload key ring stops the bridge here.
  const { dataConverter, keys: payloadKeys } = loadDataConverter(process.env);
  logger.info(describePayloadKeys(payloadKeys), 'payload encryption');
  const connection = await connectTemporal(config);
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  const search = loadSearchKeys(process.env, dataDir());
  logger.info({ source: search.source, keyIds: search.keys.map((k) => k.id) }, 'search-index keys loaded');
  const bridge = await startBridge(config, client, logger, {
    search: new SearchIndex(search.keys),
    sessionTimeoutMs: settings.sessionTimeoutMs,
    maxInFlight: settings.maxInFlight,
    patience: {
      unknownComplaintWaitMs: settings.unknownComplaintWaitMs,
      maxInternalAttempts: settings.maxInternalAttempts,
    },
  });
  const server = await serveMetrics(bridge, logger, settings);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping bridge');
    bridge
      .stop()
      .then(() => new Promise<void>((resolve) => server.close(() => resolve())))
      .then(() => connection.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'bridge did not stop cleanly');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  createLogger('bridge').fatal({ err }, 'bridge failed');
  process.exit(1);
});

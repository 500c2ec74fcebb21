import { createServer, type Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { startBridge, type Bridge } from './bridge/bridge';

/**
 * The bridge's own settings. REDRESS_BRIDGE_METRICS_PORT is where /metrics is served (0 picks a free
 * port; the log says which); the session timeout is how long a bridge that died without leaving
 * holds its partitions; max in flight bounds the concurrent calls to Temporal.
 */
const BridgeEnvSchema = z.object({
  REDRESS_BRIDGE_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  REDRESS_BRIDGE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  REDRESS_BRIDGE_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  REDRESS_BRIDGE_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1_000).default(64),
});

/** Serves the bridge's metrics (and the process's own) for Prometheus, and a liveness probe. */
function serveMetrics(bridge: Bridge, logger: Logger): Promise<Server> {
  const env = BridgeEnvSchema.parse(process.env);
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
    server.listen(env.REDRESS_BRIDGE_METRICS_PORT, env.REDRESS_BRIDGE_METRICS_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : env.REDRESS_BRIDGE_METRICS_PORT;
      logger.info({ url: `http://${env.REDRESS_BRIDGE_METRICS_HOST}:${port}/metrics` }, 'bridge metrics served');
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
  const logger = createLogger('bridge', config.logLevel);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const env = BridgeEnvSchema.parse(process.env);
  const bridge = await startBridge(config, client, logger, {
    sessionTimeoutMs: env.REDRESS_BRIDGE_SESSION_TIMEOUT_MS,
    maxInFlight: env.REDRESS_BRIDGE_MAX_IN_FLIGHT,
  });
  const server = await serveMetrics(bridge, logger);
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

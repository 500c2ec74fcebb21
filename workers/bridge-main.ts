import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { startBridge } from './bridge/bridge';

/** The bridge process: Kafka in, Temporal out, until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('bridge', config.logLevel);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const bridge = await startBridge(config, client, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping bridge');
    bridge
      .stop()
      .then(() => connection.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'bridge did not stop cleanly');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  createLogger('bridge').fatal({ err }, 'bridge failed');
  process.exit(1);
});

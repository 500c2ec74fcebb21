import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { kafkaHealthy } from '../../infra/kafka-broker';
import { temporalHealthy } from '../../infra/temporal-server';
import { connectClient } from '../temporal';
import { buildApi } from './app';

/** The API process: listens until SIGINT or SIGTERM, then drains requests and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('api', config.logLevel);
  const { client, close } = await connectClient(config);
  const app = buildApi({
    config,
    client,
    logger,
    health: async () => ({
      temporal: await temporalHealthy(config.temporal.address, config.temporal.namespace),
      kafka: await kafkaHealthy(config.kafka.brokers[0] ?? ''),
    }),
  });
  await app.listen({ host: config.api.host, port: config.api.port });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping api');
    app
      .close()
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

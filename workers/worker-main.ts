import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { createComplaintWorker, installTemporalRuntime } from './worker';
import { describeTransportSecurity } from '../config/transport-security';

/** The worker process: runs until SIGINT or SIGTERM, then finishes in-flight tasks and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel);
  installTemporalRuntime(logger);
  logger.info(describeTransportSecurity(config), 'transport security');
  const handle = await createComplaintWorker(config, logger);
  logger.info({ taskQueue: config.temporal.taskQueue, temporal: config.temporal.address }, 'worker started');
  try {
    await handle.worker.run();
  } finally {
    await handle.close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  createLogger('worker').fatal({ err }, 'worker failed');
  process.exit(1);
});

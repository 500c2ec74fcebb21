import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { createComplaintWorker, installTemporalRuntime } from './worker';
import { describeTransportSecurity } from '../config/transport-security';
import { dataDir } from '../platform/data-dir';
import { SearchIndex } from '../platform/search-index';
import { loadSearchKeys } from '../platform/search-keys';

/** The worker process: runs until SIGINT or SIGTERM, then finishes in-flight tasks and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel);
  installTemporalRuntime(logger);
  logger.info(describeTransportSecurity(config), 'transport security');
  // The search-index ring the API and the bridge hold: a complaint the worker opens (a reply's new matter)
  // is found by its summary like any other. No new exposure: the worker already decrypts every payload.
  const search = loadSearchKeys(process.env, dataDir());
  logger.info({ source: search.source, keyIds: search.keys.map((k) => k.id) }, 'search-index keys loaded');
  const handle = await createComplaintWorker(config, logger, { search: new SearchIndex(search.keys) });
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

import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { ensureTopics } from './kafka-topics';
import { ensureSearchAttributes } from './search-attributes';

/**
 * One-shot provisioning of servers Redress did not start (docker-compose, staging): registers the
 * search attributes and creates the topics, each only if missing. Safe to run on every deploy.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('provision', config.logLevel);
  const attributes = await ensureSearchAttributes(
    config.temporal.address,
    config.temporal.namespace,
    config.temporal.security,
  );
  const topics = await ensureTopics(config.kafka.brokers, config.topics, undefined, config.kafka.security);
  logger.info({ addedSearchAttributes: attributes, createdTopics: topics }, 'provisioned');
}

main().catch((err: unknown) => {
  createLogger('provision').fatal({ err }, 'provisioning failed');
  process.exit(1);
});

import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { ensureTopics } from './kafka-topics';
import { Connection } from '@temporalio/client';
import { temporalConnectionOptions } from '../platform/temporal-connection';
import { ensureNamespace } from './namespace-retention';
import { ensureSearchAttributes } from './search-attributes';

/**
 * One-shot provisioning of servers Redress did not start (docker-compose, staging): the namespace with
 * its retention when `REDRESS_NAMESPACE_RETENTION_DAYS` is set (a Temporal server without auto-setup
 * has no namespace), the search attributes, and the topics laid out as `REDRESS_KAFKA_*` say
 * (infra/kafka-topics.ts), each only if missing. Safe to run on every deploy.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('provision', config.logLevel);
  const retentionDays = process.env.REDRESS_NAMESPACE_RETENTION_DAYS;
  if (retentionDays !== undefined) {
    const days = Number(retentionDays);
    if (!Number.isInteger(days) || days < 1) {
      throw new Error(`invalid configuration: REDRESS_NAMESPACE_RETENTION_DAYS: a whole number of days ≥ 1, not "${retentionDays}"`);
    }
    const connection = await Connection.connect(temporalConnectionOptions(config.temporal.address, config.temporal.security));
    try {
      await ensureNamespace(connection, config.temporal.namespace, days * 24 * 3600);
    } finally {
      await connection.close();
    }
  }
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

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TOPICS } from '../../domain/topics';
import { startLocalServers, type LocalServers } from '../../infra/local-servers';
import { startPostgresServer, type PostgresServer } from '../../infra/postgres-server';
import { randomPayloadKeyRing } from '../support/payload-keys';

/**
 * Starts the real Temporal dev server and the real Kafka broker once for all integration tests, on
 * ports of their own (so a running `scripts/up` stack is not disturbed), with throwaway data.
 * TEMPORAL_ADDRESS / KAFKA_BROKERS point the tests at servers that already run instead. A PostgreSQL
 * server (the store's, besides PGlite) runs on REDRESS_TEST_PG_PORT, or REDRESS_TEST_DATABASE_URL names one.
 */
export default async function globalSetup(): Promise<void> {
  const env = process.env;
  // One payload key ring for the run, inherited by every test file and every process a test spawns, so
  // all of them encrypt and decrypt alike (and none makes a development ring in the real data directory).
  env.REDRESS_PAYLOAD_KEYS ??= randomPayloadKeyRing();
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-it-'));
  const servers = await startLocalServers({
    ...(env.TEMPORAL_ADDRESS ? { existingTemporal: env.TEMPORAL_ADDRESS } : {}),
    ...(env.KAFKA_BROKERS ? { existingKafka: env.KAFKA_BROKERS } : {}),
    host: '127.0.0.1',
    temporalPort: Number(env.REDRESS_TEST_TEMPORAL_PORT ?? 17233),
    uiPort: 0,
    kafkaPort: Number(env.REDRESS_TEST_KAFKA_PORT ?? 19092),
    kafkaControllerPort: Number(env.REDRESS_TEST_KAFKA_CONTROLLER_PORT ?? 19093),
    dataDir,
    persistTemporal: false,
    logDir: join(dataDir, 'logs'),
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    // Each test file creates its own prefixed topics; these are the unprefixed defaults.
    topics: { ...DEFAULT_TOPICS },
  });
  env.TEMPORAL_ADDRESS = servers.temporalAddress;
  env.KAFKA_BROKERS = servers.kafkaBrokers;
  env.REDRESS_TEST_LOG_DIR = join(dataDir, 'logs');
  (globalThis as { __redressServers?: LocalServers }).__redressServers = servers;
  if (!env.REDRESS_TEST_DATABASE_URL) {
    const postgres = startPostgresServer({
      // A directory of its own directly under the temp dir: the `postgres` user cannot enter dataDir (0700).
      dataDir: mkdtempSync(join(tmpdir(), 'redress-it-pg-')),
      port: Number(env.REDRESS_TEST_PG_PORT ?? 15432),
    });
    env.REDRESS_TEST_DATABASE_URL = postgres.url;
    (globalThis as { __redressPostgres?: PostgresServer }).__redressPostgres = postgres;
  }
}

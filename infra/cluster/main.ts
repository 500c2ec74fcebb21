import { join } from 'node:path';
import { createLogger } from '../../config/logger';
import { cacheDir } from '../../platform/data-dir';
import { startCluster } from './cluster';
import { clusterTopology } from './topology';

/**
 * `scripts/cluster`: the production topology on this machine (see topology.ts and docs/deploying.md),
 * until Ctrl-C or SIGTERM, which stop every part, newest first. Data stays in REDRESS_CLUSTER_DIR.
 */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger('cluster');
  const dataDir = env.REDRESS_CLUSTER_DIR ?? join(cacheDir(env), 'cluster');
  const t = clusterTopology(env, dataDir);
  const cluster = await startCluster(t, env, logger);
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping the cluster');
    await cluster.stop();
    logger.info('cluster stopped; data kept in %s', dataDir);
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  cluster.onExit((name, code) => {
    if (stopping) return;
    logger.error({ part: name, code, log: join(cluster.logDir, `${name}.log`) }, `${name} exited unexpectedly`);
  });
  const k = t.kafka;
  process.stdout.write(
    [
      '',
      'The Redress cluster is running:',
      `  Temporal server  ${cluster.temporalAddress}  (PostgreSQL persistence and SQL visibility, ${t.temporal.historyShards} history shards)`,
      `  Temporal UI      ${cluster.uiUrl}`,
      `  PostgreSQL       127.0.0.1:${t.postgres.port}  (databases temporal, temporal_visibility, redress)`,
      `  Kafka            ${cluster.kafkaBrokers}  (${k.brokers.length} brokers, replication ${k.replicationFactor}, min ISR ${k.minInsyncReplicas}, ${k.partitions} partitions)`,
      `  workers          ${t.redress.workers}, bridges ${t.redress.bridges} (one consumer group), projector ${t.redress.projector ? 'on' : 'off'}`,
      `  HTTP API         ${cluster.apiUrls.join('  ')}`,
      `  API keys         source ${cluster.apiKeysEnvFile}`,
      `  logs             ${cluster.logDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  createLogger('cluster').fatal({ err: err instanceof Error ? err.message : err }, 'the cluster did not start');
  process.exit(1);
});

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../config/logger';
import { cacheDir } from '../../platform/data-dir';
import { restartPolicyFromEnv } from '../restart-policy';
import { pidFile, recordPids, reportGiveUp, serveMetrics, stopLeftovers } from '../supervisor-runner';
import { startCluster } from './cluster';
import { clusterTopology } from './topology';

/**
 * `scripts/cluster`: the production topology on this machine (see topology.ts and docs/deploying.md),
 * supervised like the local stack: a part that dies is started again with backoff, and the cluster
 * stops, saying which part and why, only after repeated crashes. Ctrl-C or SIGTERM stop every part,
 * newest first. Data stays in REDRESS_CLUSTER_DIR.
 */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger('cluster');
  const dataDir = env.REDRESS_CLUSTER_DIR ?? join(cacheDir(env), 'cluster');
  const t = clusterTopology(env, dataDir);
  const pids = pidFile(dataDir, 'cluster');
  await stopLeftovers(pids, logger);
  const metricsPort = Number(env.REDRESS_CLUSTER_METRICS_PORT ?? 29467);
  const cluster = await startCluster(t, env, logger, {
    policy: restartPolicyFromEnv(env),
    onStarted: (_name, supervisor) => recordPids(pids, supervisor),
  });
  const stopAll = () => {
    logger.info('stopping the cluster');
    void cluster.stop();
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  const metrics = metricsPort > 0 ? await serveMetrics(cluster.supervisor, t.host, metricsPort) : undefined;
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
      ...(metrics ? [`  restarts         http://${t.host}:${metricsPort}/metrics`] : []),
      `  logs             ${cluster.logDir}`,
      'A part that dies is started again; Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
  const gaveUp = await cluster.stopped;
  metrics?.close();
  rmSync(pids, { force: true });
  if (gaveUp) reportGiveUp(gaveUp, logger, 'the cluster');
  logger.info('cluster stopped; data kept in %s', dataDir);
  process.exit(gaveUp ? 1 : 0);
}

main().catch((err: unknown) => {
  createLogger('cluster').fatal({ err: err instanceof Error ? err.message : err }, 'the cluster did not start');
  process.exit(1);
});

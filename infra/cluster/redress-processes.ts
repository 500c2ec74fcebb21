import { join } from 'node:path';
import { startManaged, type ManagedProcess } from '../managed-process';
import { repoRoot } from '../paths';
import { logSaysSinceStart, READY_LINE } from '../stack-processes';
import { brokerList, temporalAddress, type ClusterTopology } from './topology';

/** One of Redress's own processes in the cluster: which script, with what environment, healthy when. */
export interface RedressProcessSpec {
  name: string;
  kind: 'worker' | 'bridge' | 'projector' | 'api';
  script: string;
  env: NodeJS.ProcessEnv;
  /** The API's port, for its health check and for callers. */
  port?: number;
}

/**
 * The processes, in start order: workers first (so nothing waits on an unpolled task queue), then the
 * bridges (one consumer group: Kafka splits the partitions between them), the projector, the APIs.
 * Metrics ports are spread so two of a kind can run side by side; the API counts lifecycle events in a
 * consumer group of its own per process, since each process serves its own /metrics.
 */
export function redressSpecs(t: ClusterTopology, base: NodeJS.ProcessEnv, databaseUrl: string): RedressProcessSpec[] {
  const common = { ...base, TEMPORAL_ADDRESS: temporalAddress(t), KAFKA_BROKERS: brokerList(t) };
  const metricsBase = t.temporal.frontendPort + 100;
  const specs: RedressProcessSpec[] = [];
  for (let i = 1; i <= t.redress.workers; i++) {
    specs.push({
      name: `worker-${i}`,
      kind: 'worker',
      script: 'workers/worker-main.js',
      env: { ...common, REDRESS_WORKER_METRICS_ADDRESS: `${t.host}:${metricsBase + i}` },
    });
  }
  for (let i = 1; i <= t.redress.bridges; i++) {
    specs.push({
      name: `bridge-${i}`,
      kind: 'bridge',
      script: 'workers/bridge-main.js',
      env: { ...common, REDRESS_BRIDGE_METRICS_HOST: t.host, REDRESS_BRIDGE_METRICS_PORT: String(metricsBase + 10 + i) },
    });
  }
  if (t.redress.projector) {
    specs.push({
      name: 'projector',
      kind: 'projector',
      script: 'workers/projector/main.js',
      env: {
        ...common,
        DATABASE_URL: databaseUrl,
        REDRESS_PROJECTOR_METRICS_HOST: t.host,
        REDRESS_PROJECTOR_METRICS_PORT: String(metricsBase + 20),
      },
    });
  }
  t.redress.apiPorts.forEach((port, i) => {
    specs.push({
      name: `api-${i + 1}`,
      kind: 'api',
      script: 'clients/api/main.js',
      port,
      env: {
        ...common,
        DATABASE_URL: databaseUrl,
        REDRESS_API_HOST: t.host,
        REDRESS_API_PORT: String(port),
        REDRESS_API_METRICS_GROUP: `redress-api-metrics-${i + 1}`,
        REDRESS_WORKER_METRICS_URL: `http://${t.host}:${metricsBase + 1}/metrics`,
        REDRESS_BRIDGE_METRICS_URL: `http://${t.host}:${metricsBase + 11}/metrics`,
      },
    });
  });
  return specs;
}

/** Starts one process of the cluster and waits until it is serving. */
export function startRedressProcess(spec: RedressProcessSpec, host: string, logDir: string): Promise<ManagedProcess> {
  const logFile = join(logDir, `${spec.name}.log`);
  // A restarted process appends to its log: only a ready line written since this start counts.
  const ready =
    spec.kind === 'api'
      ? { healthy: async () => (await fetch(`http://${host}:${spec.port}/health`).catch(() => null))?.ok ?? false }
      : logSaysSinceStart(logFile, READY_LINE[spec.kind]);
  return startManaged({
    name: spec.name,
    command: process.execPath,
    args: [join(repoRoot(), 'dist', spec.script)],
    env: spec.env,
    logFile,
    startTimeoutMs: 120_000,
    ...ready,
  });
}

import { join } from 'node:path';
import { repoRoot } from '../paths';
import { logSaysSinceStart, READY_LINE } from '../stack-processes';
import type { ProcessSpec } from '../supervisor';
import { brokerList, temporalAddress, type ClusterTopology } from './topology';

/** What the cluster's Redress processes are given besides the topology. */
export interface RedressProcessesOptions {
  /** Every process's environment (the operator's settings and the secrets as files). */
  env: NodeJS.ProcessEnv;
  databaseUrl: string;
  logDir: string;
  /** Run before every start of every process: the topics exist (memoised, so once in practice). */
  ensureTopics: () => Promise<void>;
}

/** The API processes' addresses, for callers and for the UI's codec. */
export const apiUrls = (t: ClusterTopology): string[] => t.redress.apiPorts.map((p) => `http://${t.host}:${p}`);

/**
 * The processes as supervisor specs, in start order: workers first (so nothing waits on an unpolled task
 * queue), then the bridges (one consumer group: Kafka splits the partitions between them), the
 * projector, the APIs. Each depends only on the servers it cannot work without, and not on any one
 * Kafka broker: the cluster is built to lose a broker, and a worker must not wait for that one to come
 * back before it is restarted. Metrics ports are spread so two of a kind can run side by side; the API
 * counts lifecycle events in a consumer group of its own per process, since each serves its own /metrics.
 */
export function redressProcessSpecs(t: ClusterTopology, o: RedressProcessesOptions): ProcessSpec[] {
  const common = { ...o.env, TEMPORAL_ADDRESS: temporalAddress(t), KAFKA_BROKERS: brokerList(t) };
  const metricsBase = t.temporal.frontendPort + 100;
  const node = (
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    dependsOn: string[],
    ready: (logFile: string) => Pick<ProcessSpec, 'prepare' | 'healthy'>,
  ): ProcessSpec => {
    const logFile = join(o.logDir, `${name}.log`);
    const readiness = ready(logFile);
    return {
      name,
      command: process.execPath,
      args: [join(repoRoot(), 'dist', script)],
      env,
      logFile,
      // The worker bundles the workflow code when it starts: tens of seconds on a busy machine.
      startTimeoutMs: 120_000,
      dependsOn,
      healthy: readiness.healthy,
      prepare: async () => {
        await o.ensureTopics();
        await readiness.prepare?.();
      },
    };
  };
  const logLine = (line: string) => (logFile: string) => logSaysSinceStart(logFile, line);
  const specs: ProcessSpec[] = [];
  for (let i = 1; i <= t.redress.workers; i++) {
    const env = { ...common, REDRESS_WORKER_METRICS_ADDRESS: `${t.host}:${metricsBase + i}` };
    specs.push(node(`worker-${i}`, 'workers/worker-main.js', env, ['temporal'], logLine(READY_LINE.worker)));
  }
  for (let i = 1; i <= t.redress.bridges; i++) {
    const env = {
      ...common,
      REDRESS_BRIDGE_METRICS_HOST: t.host,
      REDRESS_BRIDGE_METRICS_PORT: String(metricsBase + 10 + i),
    };
    specs.push(node(`bridge-${i}`, 'workers/bridge-main.js', env, ['temporal'], logLine(READY_LINE.bridge)));
  }
  if (t.redress.projector) {
    const env = {
      ...common,
      DATABASE_URL: o.databaseUrl,
      REDRESS_PROJECTOR_METRICS_HOST: t.host,
      REDRESS_PROJECTOR_METRICS_PORT: String(metricsBase + 20),
    };
    specs.push(node('projector', 'workers/projector/main.js', env, ['postgres'], logLine(READY_LINE.projector)));
  }
  t.redress.apiPorts.forEach((port, i) => {
    const env = {
      ...common,
      DATABASE_URL: o.databaseUrl,
      REDRESS_API_HOST: t.host,
      REDRESS_API_PORT: String(port),
      REDRESS_API_METRICS_GROUP: `redress-api-metrics-${i + 1}`,
      REDRESS_WORKER_METRICS_URL: `http://${t.host}:${metricsBase + 1}/metrics`,
      REDRESS_BRIDGE_METRICS_URL: `http://${t.host}:${metricsBase + 11}/metrics`,
    };
    const url = `http://${t.host}:${port}/health`;
    const healthy = async () => (await fetch(url).catch(() => null))?.ok ?? false;
    specs.push(node(`api-${i + 1}`, 'clients/api/main.js', env, ['temporal', 'postgres'], () => ({ healthy })));
  });
  return specs;
}

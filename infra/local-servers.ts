import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { Topics } from '../domain/topics';
import { kafkaBrokerSpec } from './kafka-broker';
import { ensureTopics } from './kafka-topics';
import { startManaged, type ManagedProcess } from './managed-process';
import { kafkaLibs, temporalCli } from './paths';
import { LOCAL_RETENTION_DAYS, setNamespaceRetention } from './namespace-retention';
import { ensureSearchAttributes } from './search-attributes';
import type { ProcessSpec } from './supervisor';
import { temporalServerSpec } from './temporal-server';

export interface LocalServersOptions {
  /** A Temporal server that is already running: use it and start none. */
  existingTemporal?: string;
  /** Kafka brokers already running: use them and start none. */
  existingKafka?: string;
  host: string;
  temporalPort: number;
  /** 0 for headless. */
  uiPort: number;
  kafkaPort: number;
  kafkaControllerPort: number;
  /** Where the servers keep their data; undefined keeps Temporal in memory (tests). */
  dataDir: string;
  persistTemporal: boolean;
  logDir: string;
  namespace: string;
  topics: Topics;
  env?: NodeJS.ProcessEnv;
  /** The UI's remote codec endpoint (the API's `/codec`): see temporalServerSpec. */
  codecEndpoint?: string;
  /** The Temporal server's Prometheus port: see temporalServerSpec. */
  temporalMetricsPort?: number;
}

export interface LocalServers {
  temporalAddress: string;
  kafkaBrokers: string;
  uiUrl?: string;
  started: ManagedProcess[];
  stop(): Promise<void>;
}

async function setLocalRetention(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await setNamespaceRetention(connection, namespace, LOCAL_RETENTION_DAYS * 24 * 3600);
  } finally {
    await connection.close();
  }
}

/** The servers to start (none of a kind given as existing), and how to provision the existing ones. */
export interface LocalServerSpecs {
  temporalAddress: string;
  kafkaBrokers: string;
  uiUrl?: string;
  /** Temporal's, then Kafka's; each provisions its server after every start (`afterReady`). */
  specs: ProcessSpec[];
  /** Registers the search attributes on, and creates the topics in, the servers given as existing. */
  provisionExisting(): Promise<void>;
}

/**
 * The local Temporal and Kafka servers as process specs, for the stack's supervisor (which starts them
 * again when they die) or {@link startLocalServers}. Provisioning is idempotent, so it runs after every
 * start; on a restart it finds everything in place, the data being on disk.
 */
export function localServerSpecs(o: LocalServersOptions): LocalServerSpecs {
  const temporalAddress = o.existingTemporal ?? `${o.host}:${o.temporalPort}`;
  const kafkaBrokers = o.existingKafka ?? `${o.host}:${o.kafkaPort}`;
  const provisionTemporal = () => ensureSearchAttributes(temporalAddress, o.namespace);
  const provisionKafka = async () => {
    await ensureTopics(kafkaBrokers.split(','), o.topics);
  };
  const specs: ProcessSpec[] = [];
  if (!o.existingTemporal) {
    specs.push({
      ...temporalServerSpec({
        cli: temporalCli(o.env),
        host: o.host,
        port: o.temporalPort,
        uiPort: o.uiPort,
        ...(o.persistTemporal ? { dataDir: join(o.dataDir, 'temporal') } : {}),
        namespace: o.namespace,
        logFile: join(o.logDir, 'temporal.log'),
        ...(o.codecEndpoint ? { codecEndpoint: o.codecEndpoint } : {}),
        ...(o.temporalMetricsPort ? { metricsPort: o.temporalMetricsPort } : {}),
      }),
      afterReady: async () => {
        await provisionTemporal();
        // The dev server creates its namespace with a retention of 1 day and has no flag for it: set it
        // explicitly, on servers Redress started only (a server that already runs keeps its operator's setting).
        await setLocalRetention(temporalAddress, o.namespace);
      },
    });
  }
  if (!o.existingKafka) {
    specs.push({
      ...kafkaBrokerSpec({
        libs: kafkaLibs(o.env),
        host: o.host,
        port: o.kafkaPort,
        controllerPort: o.kafkaControllerPort,
        dataDir: join(o.dataDir, 'kafka'),
        logFile: join(o.logDir, 'kafka.log'),
      }),
      afterReady: provisionKafka,
    });
  }
  return {
    temporalAddress,
    kafkaBrokers,
    ...(!o.existingTemporal && o.uiPort > 0 ? { uiUrl: `http://${o.host}:${o.uiPort}` } : {}),
    specs,
    async provisionExisting() {
      if (o.existingTemporal) await provisionTemporal();
      if (o.existingKafka) await provisionKafka();
    },
  };
}

/**
 * Brings up Temporal and Kafka (each unless an existing one is given), in parallel, then registers the
 * search attributes and creates the topics, both idempotently. On any failure the servers already
 * started are stopped again and the error names the component. Nothing restarts them (the tests' servers).
 */
export async function startLocalServers(o: LocalServersOptions): Promise<LocalServers> {
  const started: ManagedProcess[] = [];
  const stop = async () => {
    // Reverse order; each stop is bounded, so one stuck server cannot hang the others.
    for (const p of [...started].reverse()) await p.stop();
  };
  const local = localServerSpecs(o);
  const results = await Promise.allSettled(local.specs.map((spec) => startManaged(spec)));
  for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  try {
    for (const spec of local.specs) await spec.afterReady?.();
    await local.provisionExisting();
  } catch (err) {
    await stop();
    throw err;
  }
  const { temporalAddress, kafkaBrokers, uiUrl } = local;
  return { temporalAddress, kafkaBrokers, ...(uiUrl ? { uiUrl } : {}), started, stop };
}

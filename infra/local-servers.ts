import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { Topics } from '../domain/topics';
import { startKafkaBroker } from './kafka-broker';
import { ensureTopics } from './kafka-topics';
import type { ManagedProcess } from './managed-process';
import { kafkaLibs, temporalCli } from './paths';
import { LOCAL_RETENTION_DAYS, setNamespaceRetention } from './namespace-retention';
import { ensureSearchAttributes } from './search-attributes';
import { startTemporalServer } from './temporal-server';

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
  /** The UI's remote codec endpoint (the API's `/codec`): see startTemporalServer. */
  codecEndpoint?: string;
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

/**
 * Brings up Temporal and Kafka (each unless an existing one is given), in parallel, then registers the
 * search attributes and creates the topics, both idempotently. On any failure the servers already
 * started are stopped again and the error names the component.
 */
export async function startLocalServers(o: LocalServersOptions): Promise<LocalServers> {
  const started: ManagedProcess[] = [];
  const stop = async () => {
    // Reverse order; each stop is bounded, so one stuck server cannot hang the others.
    for (const p of [...started].reverse()) await p.stop();
  };
  const temporalAddress = o.existingTemporal ?? `${o.host}:${o.temporalPort}`;
  const kafkaBrokers = o.existingKafka ?? `${o.host}:${o.kafkaPort}`;
  const results = await Promise.allSettled([
    o.existingTemporal
      ? Promise.resolve(undefined)
      : startTemporalServer({
          cli: temporalCli(o.env),
          host: o.host,
          port: o.temporalPort,
          uiPort: o.uiPort,
          ...(o.persistTemporal ? { dataDir: join(o.dataDir, 'temporal') } : {}),
          namespace: o.namespace,
          logFile: join(o.logDir, 'temporal.log'),
          ...(o.codecEndpoint ? { codecEndpoint: o.codecEndpoint } : {}),
        }),
    o.existingKafka
      ? Promise.resolve(undefined)
      : startKafkaBroker({
          libs: kafkaLibs(o.env),
          host: o.host,
          port: o.kafkaPort,
          controllerPort: o.kafkaControllerPort,
          dataDir: join(o.dataDir, 'kafka'),
          logFile: join(o.logDir, 'kafka.log'),
        }),
  ]);
  for (const r of results) if (r.status === 'fulfilled' && r.value) started.push(r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  try {
    await ensureSearchAttributes(temporalAddress, o.namespace);
    // The dev server creates its namespace with a retention of 1 day and has no flag for it: set it
    // explicitly, on servers Redress started only (a server that already runs keeps its operator's setting).
    if (!o.existingTemporal) await setLocalRetention(temporalAddress, o.namespace);
    await ensureTopics(kafkaBrokers.split(','), o.topics);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    temporalAddress,
    kafkaBrokers,
    ...(!o.existingTemporal && o.uiPort > 0 ? { uiUrl: `http://${o.host}:${o.uiPort}` } : {}),
    started,
    stop,
  };
}

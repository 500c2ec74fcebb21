import { NativeConnection, Runtime, Worker, makeTelemetryFilterString, type WorkerOptions } from '@temporalio/worker';
import { Partitioners, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafka } from '../platform/kafka-client';
import { Client } from '@temporalio/client';
import { connectTemporal, temporalConnectionOptions } from '../platform/temporal-connection';
import { createActivities } from '../activities';
import { COMPLAINT_WORKFLOW } from '../workflows/contract';
import { loadPoliciesAsync } from '../platform/policy-files';
import { deploymentTemplates } from '../platform/template-files';
import { kafkaPublisher } from '../activities/publisher';
import { workerMetricsAddress, type Config } from '../config';
import { PinoTemporalLogger } from './temporal-logger';
import { describePayloadKeys, loadDataConverter } from '../platform/data-converter';
import type { DataConverter } from '@temporalio/common';
import type { SearchIndex } from '../platform/search-index';

/**
 * Installs the SDK runtime once per process, with its logs (core's included) going to pino.
 * Must run before the first connection or worker is made. The SDK's own metrics (workflow and activity
 * task latencies, polls, schedule-to-start, sticky cache) are served for Prometheus at
 * `REDRESS_WORKER_METRICS_ADDRESS` (default 127.0.0.1:9465, `off` for none); the API's `/metrics`
 * appends them. When that port is taken (a second worker on the same host), the worker runs without
 * them rather than not at all, and says so.
 */
export function installTemporalRuntime(
  logger: Logger,
  options: { shutdownSignals?: NodeJS.Signals[]; metricsAddress?: string | null } = {},
): void {
  const logging = { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} };
  const base = {
    logger: new PinoTemporalLogger(logger),
    shutdownSignals: options.shutdownSignals ?? ['SIGINT', 'SIGTERM'],
  };
  const bindAddress =
    options.metricsAddress === undefined ? workerMetricsAddress() : (options.metricsAddress ?? undefined);
  if (bindAddress) {
    try {
      Runtime.install({ ...base, telemetryOptions: { logging, metrics: { prometheus: { bindAddress } } } });
      logger.info({ url: `http://${bindAddress}/metrics` }, 'worker metrics served');
      return;
    } catch (err) {
      logger.warn({ bindAddress, err: (err as Error).message }, 'worker metrics not served: running without them');
    }
  }
  Runtime.install({ ...base, telemetryOptions: { logging } });
}

/** A Kafka producer for the worker's activities: idempotent, so a broker retry never duplicates a record. */
export async function connectProducer(config: Config, logger: Logger): Promise<Producer> {
  const kafka = createKafka(config, 'worker', logger);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

export interface ComplaintWorkerHandle {
  worker: Worker;
  producer: Producer;
  connection: NativeConnection;
  /** Closes the producer and the connection after the worker has stopped. */
  close(): Promise<void>;
}

/**
 * Creates the Temporal worker for complaints: one shared Kafka producer behind the activities.
 * `workflowBundle` lets tests bundle the workflow code once (with the failure converter: see
 * platform/data-converter.ts); otherwise it is bundled from source. The data converter (payload
 * encryption) is the process's, from the environment, unless given.
 */
export async function createComplaintWorker(
  config: Config,
  logger: Logger,
  overrides: Partial<Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>> & {
    dataConverter?: DataConverter;
    /** The summaries' blind index, for the complaints the worker opens (a reply's new matter); none: unindexed. */
    search?: SearchIndex;
  } = {},
): Promise<ComplaintWorkerHandle> {
  const dataConverter = overrides.dataConverter ?? loadLoggedDataConverter(logger);
  const connection = await NativeConnection.connect(
    temporalConnectionOptions(config.temporal.address, config.temporal.security),
  );
  const producer = await connectProducer(config, logger);
  // Policies are read once at start-up: a bad operator policy file stops the worker with the field named.
  const policies = await loadPoliciesAsync();
  // So are the letter templates: a bad operator template stops the worker with the file and field named.
  deploymentTemplates();
  const clientConnection = await connectTemporal(config);
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter });
  const activities = createActivities({
    publisher: kafkaPublisher(producer),
    topics: config.topics,
    logger,
    policies,
    client,
    opener: {
      client,
      workflowType: COMPLAINT_WORKFLOW,
      taskQueue: config.temporal.taskQueue,
      ...(overrides.search ? { search: overrides.search } : {}),
    },
  });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    dataConverter,
    ...(overrides.workflowBundle
      ? { workflowBundle: overrides.workflowBundle }
      : { workflowsPath: overrides.workflowsPath ?? require.resolve('../workflows') }),
  });
  return {
    worker,
    producer,
    connection,
    async close() {
      await producer.disconnect();
      await clientConnection.close();
      await connection.close();
    },
  };
}

/** The process's data converter, its key ids and source logged (a production start without a ring throws). */
function loadLoggedDataConverter(logger: Logger): DataConverter {
  const { dataConverter, keys } = loadDataConverter(process.env);
  logger.info(describePayloadKeys(keys), 'payload encryption');
  return dataConverter;
}

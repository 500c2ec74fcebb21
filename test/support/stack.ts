import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  makeTelemetryFilterString,
  Runtime,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Producer } from 'kafkajs';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../config';
import { ensureTopics, topicLayout } from '../../infra/kafka-topics';
import { startBridge, type Bridge, type BridgeOptions } from '../../workers/bridge/bridge';
import { createComplaintWorker, type ComplaintWorkerHandle } from '../../workers/worker';
import type { DataConverter } from '@temporalio/common';
import type { SearchIndex } from '../../platform/search-index';
import { FAILURE_CONVERTER_PATH, loadDataConverter } from '../../platform/data-converter';
import { TopicCollector, testKafka, testProducer } from './kafka';
import { connectTemporal } from '../../platform/temporal-connection';

/**
 * The tests' one way to quiet the SDK: its own logs at warnings and errors, and the Rust core's only at
 * errors (while a test keeps a server down, core warns on every retried call — thousands of lines that
 * would bury the test's report). TEST_LOG_LEVEL=debug shows everything.
 */
export function quietTemporalRuntime(): void {
  const debug = process.env.TEST_LOG_LEVEL === 'debug';
  try {
    Runtime.install({
      logger: new DefaultLogger(debug ? 'DEBUG' : 'WARN'),
      ...(debug
        ? {}
        : {
            telemetryOptions: {
              logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} },
            },
          }),
    });
  } catch {
    // Already installed by an earlier suite in this process.
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow code bundled once per test file (bundling takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: join(__dirname, '../../workflows'),
    // As the worker bundles it from its data converter: failures raised in the sandbox keep their text encoded.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quietBundlerLogger,
  });
  return bundle;
}
const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: (m: string) => console.error(m),
};

/** What every test file's run of Redress shares: its own configuration, topics and Temporal client. */
export interface TestRun {
  config: Config;
  logger: Logger;
  connection: Connection;
  client: Client;
  /** The run's data converter: payloads encrypted under the ring global-setup chose (REDRESS_PAYLOAD_KEYS). */
  dataConverter: DataConverter;
}

/**
 * Configuration unique to one test file's run (topic prefix, task queue, consumer group), its topics
 * created, and a Temporal client: so files never see each other's events.
 */
export async function startTestRun(name: string, env: NodeJS.ProcessEnv = {}): Promise<TestRun> {
  const run = `${name}-${randomUUID().slice(0, 8)}`;
  const runEnv = { ...process.env, ...env };
  const config = loadConfig({
    ...runEnv,
    REDRESS_TOPIC_PREFIX: `${run}.`,
    TEMPORAL_TASK_QUEUE: `tq-${run}`,
    REDRESS_BRIDGE_GROUP: `bridge-${run}`,
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  // The layout from the run's own environment: a test on a one-broker server of its own says so there,
  // while the suite as a whole may run against a cluster with replication 3.
  await ensureTopics(config.kafka.brokers, config.topics, topicLayout(runEnv), config.kafka.security);
  const connection = await connectTemporal(config);
  const { dataConverter } = loadDataConverter(runEnv);
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  return { config, logger, connection, client, dataConverter };
}

export interface TestStack {
  config: Config;
  client: Client;
  /** The run's data converter (the payload codec under the run's ring), as every process of the run has it. */
  dataConverter: DataConverter;
  worker: ComplaintWorkerHandle;
  bridge?: Bridge;
  producer: Producer;
  collector: TopicCollector;
  /** Publishes JSON (or raw bytes) on a topic with the given key. */
  publish(topic: string, key: string | null, value: unknown): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Redress's real worker and bridge, in this process, against the real servers globalSetup started.
 * Topics, task queue and consumer group are unique to the test file, so files never see each
 * other's events.
 */
export async function startTestStack(
  name: string,
  opts: {
    bridge?: boolean;
    bridgeOptions?: BridgeOptions;
    env?: NodeJS.ProcessEnv;
    /** The summaries' blind index, for the complaints the worker opens (a reply's new matter). */
    search?: SearchIndex;
  } = {},
): Promise<TestStack> {
  quietTemporalRuntime();
  const { config, logger, connection, client, dataConverter } = await startTestRun(name, opts.env);
  const worker = await createComplaintWorker(config, logger, {
    workflowBundle: await workflowBundle(),
    dataConverter,
    ...(opts.search ? { search: opts.search } : {}),
  });
  const running = worker.worker.run();
  const bridge = opts.bridge === false ? undefined : await startBridge(config, client, logger, opts.bridgeOptions);
  const kafka = testKafka(config.kafka.brokers.join(','), config.kafka.security);
  const producer = await testProducer(kafka);
  const collector = await new TopicCollector(kafka, [
    config.topics.lifecycle,
    config.topics.notifications,
    config.topics.remedies,
    config.topics.dlq,
  ]).start();
  return {
    config,
    client,
    dataConverter,
    worker,
    ...(bridge ? { bridge } : {}),
    producer,
    collector,
    async publish(topic, key, value) {
      const bytes = Buffer.isBuffer(value) ? value : typeof value === 'string' ? value : JSON.stringify(value);
      await producer.send({ topic, messages: [{ key, value: bytes }] });
    },
    async stop() {
      await bridge?.stop();
      worker.worker.shutdown();
      await running;
      await worker.close();
      await collector.stop();
      await producer.disconnect();
      await connection.close();
    },
  };
}

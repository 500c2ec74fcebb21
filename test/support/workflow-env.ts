import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../activities';
import type { Publisher } from '../../activities/publisher';
import { DEFAULT_TOPICS } from '../../domain/topics';
import { timeSkippingServer } from '../../infra/paths';
import { indexedSearchAttributes } from '../../infra/search-attributes';
import { loadPolicies } from '../../platform/policy-files';
import { quietTemporalRuntime, workflowBundle } from './stack';
import { COMPLAINT_WORKFLOW } from '../../workflows/contract';

/** One record the activities published, as the recording publisher saw it. */
export interface Published {
  topic: string;
  key: string;
  value: { eventId: string; type: string; complaintId: string; occurredAt: string; data: Record<string, unknown> };
}

/**
 * The publisher the activities write to in workflow tests: it records instead of reaching Kafka
 * (the integration tests cover the real broker). Everything else is the real activity code.
 */
export class RecordingPublisher implements Publisher {
  readonly records: Published[] = [];
  publish(topic: string, key: string, value: unknown): Promise<void> {
    this.records.push({ topic, key, value: value as Published['value'] });
    return Promise.resolve();
  }
  types(complaintId: string, topic: string = DEFAULT_TOPICS.lifecycle): string[] {
    return this.records.filter((r) => r.topic === topic && r.key === complaintId).map((r) => r.value.type);
  }
}

const converters = new WeakMap<TestWorkflowEnvironment, DataConverter>();

/**
 * One time-skipping server for a test file: started before its tests, torn down after them. Returns the
 * environment's getter (it exists once `beforeAll` has run).
 */
export function useTimeSkippingEnv(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  return () => {
    if (!env) throw new Error('the time-skipping server is not started yet: use it inside a test');
    return env;
  };
}

/**
 * Temporal's time-skipping test server (Java, from Maven Central via infra/obtain.sh): a timer of days
 * fires in milliseconds while the workflow under test waits on it.
 */
export async function createTimeSkippingEnv(dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  quietTemporalRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: timeSkippingServer() } },
    ...(dataConverter ? { client: { dataConverter } } : {}),
  });
  // Its workers must encode as its client does: createTestWorker finds the converter here.
  if (dataConverter) converters.set(env, dataConverter);
  // The workflow keeps its search attributes current, and the server refuses ones it does not know. The
  // test server cannot list them, but it can add them (to a fresh server, so none exists yet).
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: indexedSearchAttributes(),
  });
  return env;
}

/**
 * A worker with the real workflow bundle and real activities over a recording publisher. Linked
 * complaints (a reply's new matter) are started on the same server and task queue, so this worker runs them too.
 */
export async function createTestWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  publisher: Publisher,
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    ...(converters.has(env) ? { dataConverter: converters.get(env) } : {}),
    activities: createActivities({
      publisher,
      topics: { ...DEFAULT_TOPICS },
      logger: pino({ level: 'silent' }),
      policies: loadPolicies(),
      // No client: the time-skipping server has no visibility, so repeat detection is tested on the dev server.
      opener: { client: env.client, workflowType: COMPLAINT_WORKFLOW, taskQueue },
    }),
  });
}

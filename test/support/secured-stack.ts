import { randomUUID } from 'node:crypto';
import type { ApiHarness } from './api-harness';
import { complaintFixture, receivedEvent } from './fixtures';

type LifecycleEvent = { type: string; complaintId: string };

/**
 * What every process of Redress does with Temporal and Kafka, once, over whatever transport the
 * harness's configuration sets up: an upstream `complaint.received` through the bridge (Kafka consumer,
 * Temporal client) to the worker (Temporal worker, Kafka producer) and out on the lifecycle topic; a
 * complaint submitted through the API (Temporal client) and read back; and the API's `/health` probing
 * both. Returns what was seen, for the test to assert.
 */
export async function exerciseEveryProcess(h: ApiHarness): Promise<{
  intakeLifecycle: string[];
  apiCreated: number;
  apiStage: unknown;
  health: unknown;
}> {
  const { topics } = h.stack.config;
  const viaKafka = `c-sec-k-${randomUUID().slice(0, 8)}`;
  await h.stack.publish(topics.intake, viaKafka, receivedEvent(viaKafka, `evt-${viaKafka}`));
  const seen = await h.stack.collector.waitFor<LifecycleEvent>(
    topics.lifecycle,
    (e) => e.complaintId === viaKafka && (e.type === 'complaint.opened' || e.type === 'complaint.acknowledged'),
    2,
  );
  const viaApi = `c-sec-a-${randomUUID().slice(0, 8)}`;
  const created = await h.call('operator', 'POST', '/complaints', { complaintId: viaApi, ...complaintFixture() });
  const read = await h.call('operator', 'GET', `/complaints/${viaApi}`);
  const health = await h.call(null, 'GET', '/health');
  return {
    intakeLifecycle: seen.map((e) => e.type),
    apiCreated: created.status,
    apiStage: read.json.stage,
    health: health.json,
  };
}

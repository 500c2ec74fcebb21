import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { complaintWorkflowId } from '../../domain/ids';
import {
  COMPLAINT_WORKFLOW,
  type ComplaintWorkflow,
  recordAccountUpdate,
  statusQuery,
  type ComplaintInput,
} from '../../workflows/messages';
import { complaintFixture } from '../support/fixtures';
import { createTestWorker, createTimeSkippingEnv, RecordingPublisher } from '../support/workflow-env';

const HOUR = 3_600_000;

describe('the first-response window (24 h durable timer)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const input = (complaintId: string, receivedAt: number): ComplaintInput => ({
    complaintId,
    complaint: complaintFixture({ receivedAt: new Date(receivedAt).toISOString() }),
    openedBy: { eventId: `evt-${complaintId}`, source: 'test' },
  });

  it('breaches and escalates when nobody responds within 24 hours', async () => {
    const publisher = new RecordingPublisher();
    const worker = await createTestWorker(env, 'tq-breach', publisher);
    await worker.runUntil(async () => {
      const start = await env.currentTimeMs();
      const handle = await env.client.workflow.start<ComplaintWorkflow>(COMPLAINT_WORKFLOW, {
        workflowId: complaintWorkflowId('fr-breach'),
        taskQueue: 'tq-breach',
        args: [input('fr-breach', start)],
      });
      // Just before the deadline: acknowledged, nothing breached yet.
      await env.sleep(23 * HOUR);
      expect(publisher.types('fr-breach')).toEqual(['complaint.opened', 'complaint.acknowledged']);
      expect((await handle.query(statusQuery)).escalated).toBe(false);

      await env.sleep(2 * HOUR);
      const status = await handle.query(statusQuery);
      expect(status.escalated).toBe(true);
      expect(status.breaches).toEqual([{ clock: 'first-response', at: expect.any(String) as string }]);
      // The breach fired at the deadline (24 h after receipt), not before.
      expect(Date.parse(status.breaches[0]!.at) - start).toBeGreaterThanOrEqual(24 * HOUR);
      expect(publisher.types('fr-breach')).toEqual([
        'complaint.opened',
        'complaint.acknowledged',
        'complaint.deadline-breached',
        'complaint.escalated',
      ]);
    });
  });

  it('does not breach when the first response is recorded in time', async () => {
    const publisher = new RecordingPublisher();
    const worker = await createTestWorker(env, 'tq-in-time', publisher);
    await worker.runUntil(async () => {
      const start = await env.currentTimeMs();
      const handle = await env.client.workflow.start<ComplaintWorkflow>(COMPLAINT_WORKFLOW, {
        workflowId: complaintWorkflowId('fr-in-time'),
        taskQueue: 'tq-in-time',
        args: [input('fr-in-time', start)],
      });
      await env.sleep(20 * HOUR);
      await handle.executeUpdate(recordAccountUpdate, {
        args: [{ actor: { id: 'agent-7', role: 'operator' }, account: 'Charged twice in October.' }],
      });
      await env.sleep(10 * HOUR);
      const status = await handle.query(statusQuery);
      expect(status.escalated).toBe(false);
      expect(status.breaches).toEqual([]);
      expect(publisher.types('fr-in-time')).not.toContain('complaint.deadline-breached');
      expect(publisher.types('fr-in-time', 'complaints.notifications')).toEqual([
        'notification.requested',
        'notification.requested',
      ]);
    });
  });
});

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import * as m from '../../workflows/messages';
import { customerIn, operator, withComplaint } from '../support/complaint-harness';
import { DAY } from '../support/time';
import { waitUntil } from '../support/wait';
import { createTimeSkippingEnv } from '../support/workflow-env';

/**
 * Complaints of any age keep their clocks. A calendar snapshot covers two years; the workflow asks for a
 * wider one before it runs out, so a complaint paused for years, or received years ago, still answers
 * its status and still breaches on time — without a single failed workflow task.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const YEAR = 365 * DAY;
const DE = { customer: customerIn('DE') }; // the default regime: the final response pauses on the customer

async function failedWorkflowTasks(h: { handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> } }) {
  const history = await h.handle.fetchHistory();
  return (history.events ?? []).filter(
    (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  ).length;
}

describe('a complaint open for years', () => {
  it('stays paused on the customer for three years, then resumes and breaches on time', async () => {
    await withComplaint(env, 'paused-three-years', DE, async (h) => {
      await h.act(m.assignUpdate, { actor: operator, assignee: 'agent-7' });
      let s = await h.act(m.askQuestionUpdate, { actor: operator, question: 'Which card was charged twice?' });
      expect(s.clocks.find((c) => c.clock === 'final-response')!.status).toBe('paused');

      await h.sleep(3 * YEAR);
      s = await h.status(); // answered: the calendar was widened as the years passed
      expect(s).toMatchObject({ stage: 'listening', waitingOnCustomer: true, breached: false });
      expect(s.clocks.find((c) => c.clock === 'final-response')!.status).toBe('paused');

      await h.fact(m.customerRepliedSignal, 'reply-after-three-years', { message: 'The Visa card.' });
      s = await h.status();
      const now = await h.time();
      const finalResponse = s.clocks.find((c) => c.clock === 'final-response')!;
      expect(finalResponse.status).toBe('running');
      // Ten business days less the few minutes used before the pause: about two weeks from now.
      const due = Date.parse(finalResponse.deadline);
      expect(due).toBeGreaterThan(now + 9 * DAY);
      expect(due).toBeLessThan(now + 20 * DAY);

      await h.sleep(21 * DAY);
      s = await h.status();
      const breach = s.breaches.find((b) => b.clock === 'final-response');
      expect(breach).toBeDefined();
      expect(Date.parse(breach!.at)).toBeGreaterThanOrEqual(due);
      expect(Date.parse(breach!.at)).toBeLessThan(due + 60_000);
      expect(h.lifecycle()).toContain('complaint.deadline-breached');
      expect(await failedWorkflowTasks(h)).toBe(0);
    });
  });

  it('takes in a complaint received three years ago: acknowledged, its passed deadlines breached at once', async () => {
    const receivedAt = new Date((await env.currentTimeMs()) - 3 * YEAR).toISOString();
    await withComplaint(env, 'received-three-years-ago', { ...DE, receivedAt }, async (h) => {
      // Intake answers first; the passed deadlines fire in the workflow task after it, so wait for them.
      const s = await waitUntil(
        'the passed deadlines breached',
        async () => {
          const now = await h.status();
          return now.breaches.length >= 2 && now;
        },
        10_000,
        50,
      );
      expect(s.stage).toBe('acknowledged');
      expect(s.receivedAt).toBe(receivedAt);
      expect(s.breaches.map((b) => b.clock).sort()).toEqual(['final-response', 'first-response']);
      expect(h.notifications('acknowledgement')).toHaveLength(1);
      expect(await failedWorkflowTasks(h)).toBe(0);
    });
  });
});

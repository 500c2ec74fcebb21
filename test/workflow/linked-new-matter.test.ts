import pino from 'pino';
import { createActivities } from '../../activities';
import { complaintWorkflowId } from '../../domain/ids';
import { linkedComplaintId, linkedOpenedBy } from '../../domain/linked-complaint';
import { DEFAULT_TOPICS } from '../../domain/topics';
import { loadPolicies } from '../../platform/policy-files';
import { COMPLAINT_WORKFLOW } from '../../workflows/contract';
import * as m from '../../workflows/messages';
import {
  ComplaintHarness,
  customerIn,
  listenOnCall,
  operator,
  refused,
  toFollowUp,
  withComplaint,
} from '../support/complaint-harness';
import { complaintFixture } from '../support/fixtures';
import { DAY } from '../support/time';
import { waitUntil } from '../support/wait';
import { RecordingPublisher, useTimeSkippingEnv } from '../support/workflow-env';

/**
 * A customer's reply that raises a new matter opens a new complaint (issue 15): its own workflow with
 * its own clocks from the reply, the same customer, an acknowledgement of its own, linked both ways; the
 * first complaint's clocks and stage do not move. Recorded for the replay corpus (patch
 * `redress-linked-new-matter`).
 */
const env = useTimeSkippingEnv();

/** The linked complaint's harness, once its workflow has taken it in and acknowledged it. */
async function linkedComplaint(h: ComplaintHarness, replyId: string): Promise<ComplaintHarness> {
  const id = linkedComplaintId(h.complaintId, replyId);
  const child = new ComplaintHarness(
    env(),
    id,
    env().client.workflow.getHandle<m.ComplaintWorkflow>(complaintWorkflowId(id)),
    h.published,
  );
  await waitUntil(
    `the linked complaint ${id} acknowledged`,
    async () => (await child.status()).stage !== 'received' && child.notifications('acknowledgement').length > 0,
    60_000,
  );
  return child;
}

/** Linked complaints are workflows of their own: the harness ends only the first, so these end here. */
async function endAll(children: ComplaintHarness[]): Promise<void> {
  for (const c of children) {
    const { status } = await c.handle.describe();
    if (status.name === 'RUNNING') await c.handle.terminate('test finished');
  }
}

const deadlines = (s: m.ComplaintStatus) => Object.fromEntries(s.clocks.map((c) => [c.clock, c.deadline]));

it('opens the new matter once, with its own deadlines from the reply, leaving the first complaint’s clocks as they were', async () => {
  await withComplaint(env(), 'linked-new-matter', {}, async (h) => {
    await listenOnCall(h, 'Charged twice for October');
    // Waiting on the customer: clocks that pause for it are paused, and a reply about this complaint resumes them.
    await h.act(m.askQuestionUpdate, { actor: operator, question: 'Which card did you pay with?' });
    const before = await h.status();
    expect(before.waitingOnCustomer).toBe(true);
    await h.sleep(3 * DAY);

    const children: ComplaintHarness[] = [];
    try {
      const matter = { summary: 'Card declined abroad', category: 'cards' };
      await h.fact(m.customerRepliedSignal, 'reply-new-1', {
        message: 'Also, my card was declined in Lisbon last week.',
        newMatter: matter,
      });
      const child = await linkedComplaint(h, 'reply-new-1');
      children.push(child);
      // The fact again (a redelivery) and the activity again (a retried attempt): still one complaint.
      await h.fact(m.customerRepliedSignal, 'reply-new-1', {
        message: 'Also, my card was declined in Lisbon last week.',
        newMatter: matter,
      });
      const runId = (await child.handle.describe()).runId;
      const activities = createActivities({
        publisher: new RecordingPublisher(),
        topics: { ...DEFAULT_TOPICS },
        logger: pino({ level: 'silent' }),
        policies: loadPolicies(),
        opener: { client: env().client, workflowType: COMPLAINT_WORKFLOW, taskQueue: `tq-${h.complaintId}` },
      });
      // A running workflow ignores a start's input: the same id is what makes the retry harmless.
      await activities.openLinkedComplaint({
        complaintId: child.complaintId,
        complaint: complaintFixture({ summary: matter.summary }),
        openedBy: { eventId: linkedOpenedBy('reply-new-1'), source: 'redress' },
        linkedFrom: { complaintId: h.complaintId, replyId: 'reply-new-1' },
      });
      await refused(
        h.act(m.openNewMatterUpdate, { actor: operator, replyId: 'reply-new-1', summary: 'Card declined abroad' }),
        /already opened complaint/,
      );

      const after = await h.status();
      expect(after.relatedTo).toEqual([child.complaintId]);
      expect(after.stage).toBe(before.stage);
      expect(after.waitingOnCustomer).toBe(true);
      expect(deadlines(after)).toEqual(deadlines(before));
      expect(h.lifecycle().filter((t) => t === 'complaint.linked')).toHaveLength(1);

      const s = await child.status();
      expect((await child.handle.describe()).runId).toBe(runId);
      expect(s).toMatchObject({ linkedFrom: h.complaintId, customerId: before.customerId, category: 'cards' });
      // Its own clocks, from the reply three days after the first complaint.
      expect(Date.parse(s.receivedAt) - Date.parse(before.receivedAt)).toBeGreaterThanOrEqual(3 * DAY);
      const own = deadlines(s);
      expect(Object.keys(own)).toEqual(expect.arrayContaining(['final-response']));
      expect(
        Date.parse(own['final-response']!) - Date.parse(deadlines(before)['final-response']!),
      ).toBeGreaterThanOrEqual(3 * DAY);
      expect(child.notifications('acknowledgement')).toHaveLength(1);
      const opened = child.records(DEFAULT_TOPICS.lifecycle, 'complaint.opened');
      expect(opened).toHaveLength(1);
      expect(opened[0]!.value.data.linkedFrom).toEqual({ complaintId: h.complaintId, replyId: 'reply-new-1' });
      expect(child.views().at(-1)).toMatchObject({ linkedFrom: h.complaintId });
      expect(h.views().at(-1)).toMatchObject({ relatedTo: [child.complaintId] });
    } finally {
      await endAll(children);
    }
  });
});

it('after the final response, a new matter in a reply is a new complaint, not a reopening (fact or agent)', async () => {
  // A regime whose final response is not its last word (the default): a dissatisfied reply would reopen.
  await withComplaint(env(), 'linked-new-matter-after-final', { customer: customerIn('DE') }, async (h) => {
    await toFollowUp(h);
    const before = await h.status();
    const children: ComplaintHarness[] = [];
    try {
      await h.fact(m.customerRepliedSignal, 'reply-after-1', {
        message: 'Thanks. But now my direct debit was taken twice.',
        sentiment: 'dissatisfied',
        newMatter: { summary: 'Direct debit taken twice' },
      });
      children.push(await linkedComplaint(h, 'reply-after-1'));
      // A reply whose channel could not say: the agent reads it as a new matter.
      await h.fact(m.customerRepliedSignal, 'reply-after-2', { message: 'And my statement never arrived.' });
      const s = await h.act(m.openNewMatterUpdate, {
        actor: operator,
        replyId: 'reply-after-2',
        summary: 'Statement not received',
      });
      children.push(await linkedComplaint(h, 'reply-after-2'));
      expect(s.relatedTo).toEqual(children.map((c) => c.complaintId));
      expect(s.reopenCount).toBe(before.reopenCount);
      expect(s.stage).toBe(before.stage);
      expect(deadlines(s)).toEqual(deadlines(before));
      expect(h.lifecycle()).not.toContain('complaint.reopened');
      await refused(
        h.act(m.openNewMatterUpdate, { actor: operator, replyId: 'no-such-reply', summary: 'Something else' }),
        /no reply no-such-reply/,
      );
      expect((await children[1]!.status()).category).toBe(before.category);
    } finally {
      await endAll(children);
    }
  });
});

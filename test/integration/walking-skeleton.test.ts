import { instantInWords } from '../../domain/letters/date-words';
import type { WorkflowHandle } from '@temporalio/client';
import { complaintWorkflowId } from '../../domain/ids';
import { complaintStartOptions } from '../../workflows/contract';
import { COMPLAINT_WORKFLOW, statusQuery, type ComplaintInput, type ComplaintWorkflow } from '../../workflows/messages';
import { complaintFixture, receivedEvent } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { waitUntil } from '../support/wait';
import type { DeadLetter } from '../../domain/dead-letter';
import { letterValue } from '../support/dead-letters';

type Event = { eventId: string; type: string; complaintId: string; data: Record<string, unknown> };

describe('walking skeleton on the real Temporal server and Kafka broker', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('skeleton');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('turns a complaint.received on the intake topic into lifecycle events and an acknowledgement', async () => {
    const { topics } = stack.config;
    await stack.publish(topics.intake, 'c-intake-1', receivedEvent('c-intake-1', 'evt-intake-1'));

    // The lifecycle steps; the record views (`complaint.updated`) are a stream of their own, below.
    const mine = (e: Event) =>
      e.complaintId === 'c-intake-1' && e.type !== 'complaint.stage-changed' && e.type !== 'complaint.updated';
    const lifecycle = await stack.collector.waitFor<Event>(topics.lifecycle, mine, 2);
    expect(lifecycle.map((e) => e.type)).toEqual(['complaint.opened', 'complaint.acknowledged']);
    expect(lifecycle.map((e) => e.eventId)).toEqual(['redress:c-intake-1:opened', 'redress:c-intake-1:acknowledged']);
    for (const e of lifecycle) {
      expect(e).toMatchObject({ source: 'redress', complaintId: 'c-intake-1' });
      expect(Date.parse((e as unknown as { occurredAt: string }).occurredAt)).not.toBeNaN();
    }

    const [ack] = await stack.collector.waitFor<Event>(topics.notifications, (e) => e.complaintId === 'c-intake-1');
    const deadline = (lifecycle[1]!.data.deadlines as Record<string, string>)['first-response']!;
    expect(ack!.data).toMatchObject({ kind: 'acknowledgement', idempotencyKey: 'c-intake-1:acknowledgement' });
    // The deadline in words, in the calendar's zone (England): never a raw instant.
    expect(ack!.data.body).toContain(instantInWords(deadline, 'en-GB', 'Europe/London'));
    expect(ack!.data.body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
    // The deadline is 24 hours after receipt.
    const received = await stack.client.workflow
      .getHandle(complaintWorkflowId('c-intake-1'))
      .query<{ receivedAt: string }>('status');
    expect(Date.parse(deadline) - Date.parse(received.receivedAt)).toBe(24 * 3600 * 1000);
  });

  it('opens one workflow and publishes one set of events when the same event arrives twice', async () => {
    const { topics } = stack.config;
    const event = receivedEvent('c-dup-1', 'evt-dup-1');
    const handled = () => stack.bridge!.stats.delivered + stack.bridge!.stats.duplicates;
    const before = handled();
    await stack.publish(topics.intake, 'c-dup-1', event);
    await stack.publish(topics.intake, 'c-dup-1', event);
    // A third copy after the first was fully processed must change nothing either.
    await stack.collector.waitFor<Event>(
      topics.lifecycle,
      (e) => e.complaintId === 'c-dup-1' && e.type === 'complaint.acknowledged',
    );
    await stack.publish(topics.intake, 'c-dup-1', event);
    await waitUntil('the three facts to be handled', () => handled() >= before + 3, 30_000);

    const runs = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${complaintWorkflowId('c-dup-1')}'` }))
      runs.push(wf);
    expect(runs).toHaveLength(1);
    // Give any stray duplicate time to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const events = stack.collector.find<Event>(topics.lifecycle, (e) => e.complaintId === 'c-dup-1');
    expect(events.filter((e) => e.type !== 'complaint.updated').map((e) => e.type)).toEqual([
      'complaint.opened',
      'complaint.stage-changed',
      'complaint.acknowledged',
    ]);
    // One record view for the one intake, not one per delivery.
    expect(events.filter((e) => e.type === 'complaint.updated').map((e) => e.eventId)).toEqual([
      'redress:c-dup-1:view:1',
    ]);
    expect(stack.collector.find<Event>(topics.notifications, (e) => e.complaintId === 'c-dup-1')).toHaveLength(1);
  });

  it('dead-letters a malformed event with its reason and original bytes, and goes on with the next good one', async () => {
    const { topics } = stack.config;
    const broken = '{"eventId":"evt-bad-1","type":"complaint.received","complaintId":"c-bad-1",';
    const wrongField = receivedEvent('c-bad-2', 'evt-bad-2', { ...complaintFixture(), channel: 'fax' as never });
    await stack.publish(topics.intake, 'c-bad-1', broken);
    await stack.publish(topics.intake, 'c-bad-2', wrongField);
    await stack.publish(topics.intake, 'c-good-after-bad', receivedEvent('c-good-after-bad', 'evt-good-after-bad'));

    const dead = await stack.collector.waitFor<DeadLetter>(topics.dlq, () => true, 2);
    const byValue = (text: string) => dead.find((d) => letterValue(d).toString('utf8') === text);
    const notJson = byValue(broken);
    expect(notJson?.reason).toMatch(/not valid JSON/);
    expect(notJson?.source.topic).toBe(topics.intake);
    const badChannel = byValue(JSON.stringify(wrongField));
    expect(badChannel?.reason).toMatch(/data\.channel/);
    expect(badChannel?.errors.map((e) => e.field)).toEqual(['data.channel']);

    await stack.collector.waitFor<Event>(
      topics.lifecycle,
      (e) => e.complaintId === 'c-good-after-bad' && e.type === 'complaint.acknowledged',
    );
    expect(stack.collector.find<Event>(topics.lifecycle, (e) => e.complaintId.startsWith('c-bad-'))).toHaveLength(0);
  });
});

describe('repeat complaints (visibility on the real dev server)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('repeat', { bridge: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const input = (id: string, customer: { id: string }): ComplaintInput => ({
    complaintId: id,
    complaint: complaintFixture({ customer: { ...complaintFixture().customer, ...customer } }),
    openedBy: { eventId: `evt-${id}`, source: 'test' },
  });
  /** Counts matches, waiting (bounded) for visibility, which is eventually consistent, to reach `want`. */
  const countWhen = async (query: string, want: number): Promise<number> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { count } = await stack.client.workflow.count(query);
      if (count >= want || Date.now() > deadline) return count;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('flags a new complaint from a customer who has another open complaint', async () => {
    const customer = { id: `cust-repeat-${Date.now()}` };
    const start = (id: string) =>
      stack.client.workflow.start<ComplaintWorkflow>(
        COMPLAINT_WORKFLOW,
        complaintStartOptions(input(id, customer), stack.config.temporal.taskQueue),
      );
    const assessed = async (handle: WorkflowHandle<ComplaintWorkflow>) => {
      let status = await handle.query(statusQuery);
      while (status.regime === 'pending') status = await handle.query(statusQuery);
      return status;
    };
    // The first is assessed alone (no other complaint yet), and visible, before the second arrives.
    expect((await assessed(await start('rep-first'))).repeatOf).toEqual([]);
    expect(await countWhen(`RedressCustomerId = '${customer.id}'`, 1)).toBe(1);
    const status = await assessed(await start('rep-second'));
    expect(status.repeatOf).toEqual(['rep-first']);
    expect(status.flags.join(' ')).toMatch(/repeat complaint/);
    const first = await stack.client.workflow.getHandle(complaintWorkflowId('rep-first')).query(statusQuery);
    expect(first.repeatOf).toEqual([]);
  });

  it('makes a complaint findable by its customer from the start, before any worker has run it', async () => {
    // A task queue nobody polls: whatever visibility shows, the start itself put there. Without it, a
    // second complaint from the same customer arriving before the first was assessed would not be flagged.
    const customer = { id: `cust-early-${Date.now()}` };
    const handle = await stack.client.workflow.start<ComplaintWorkflow>(
      COMPLAINT_WORKFLOW,
      complaintStartOptions(input('early-1', customer), `${stack.config.temporal.taskQueue}-nobody-polls`),
    );
    try {
      expect(await countWhen(`RedressCustomerId = '${customer.id}' AND RedressStage = 'received'`, 1)).toBe(1);
    } finally {
      await handle.terminate('test finished');
    }
  });
});

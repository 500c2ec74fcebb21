import { randomUUID } from 'node:crypto';
import { instantInWords } from '../../domain/letters/date-words';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { complaintFixture } from '../support/fixtures';
import { waitUntil } from '../support/wait';

/**
 * A commitment on the real servers: made through the API a few seconds ahead, missed when the dev
 * server's durable timer fires, and then the complaint escalated, the miss published on the lifecycle
 * topic and the customer's apology with its new date on the notifications topic.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('commitments');
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

type Envelope = { type: string; complaintId: string; data: Record<string, unknown> };

it('misses a commitment at its instant: escalated, published, and apologised for with a new date', async () => {
  const id = `commit-${randomUUID().slice(0, 8)}`;
  expect((await h.call('operator', 'POST', '/complaints', { complaintId: id, ...complaintFixture() })).status).toBe(
    201,
  );
  const dueAt = new Date(Date.now() + 4_000).toISOString();
  const made = await waitUntil('the commitment made', async () => {
    const res = await h.call<{ commitments: Array<{ commitmentId: string; status: string }> }>(
      'operator',
      'POST',
      `/complaints/${id}/commitments`,
      { kind: 'call-back', dueAt, words: 'We will call you back in a moment.', visibleToCustomer: true },
    );
    return res.status === 200 && res.json;
  });
  const commitmentId = made.commitments[0]!.commitmentId;
  expect(made.commitments[0]!.status).toBe('open');

  const topics = h.stack.config.topics;
  const [missed] = await h.stack.collector.waitFor<Envelope>(
    topics.lifecycle,
    (e) => e.complaintId === id && e.type === 'complaint.commitment-missed',
  );
  expect(missed!.data).toMatchObject({ commitmentId, kind: 'call-back', dueAt });
  expect(JSON.stringify(missed)).not.toContain('call you back'); // the words stay with the customer's letter
  const [apology] = await h.stack.collector.waitFor<Envelope>(
    topics.notifications,
    (e) => e.complaintId === id && e.data.kind === 'commitment-apology',
  );
  expect(String(apology!.data.body)).toContain('We will call you back in a moment.');

  const status = await h.call<{
    escalated: boolean;
    commitments: Array<{ status: string; rescheduledFrom?: string; dueAt: string }>;
  }>('operator', 'GET', `/complaints/${id}`);
  expect(status.json.escalated).toBe(true);
  const next = status.json.commitments.find((c) => c.rescheduledFrom === commitmentId)!;
  expect(next.status).toBe('open');
  expect(String(apology!.data.body)).toContain(instantInWords(next.dueAt, 'en-GB', 'Europe/London'));
});

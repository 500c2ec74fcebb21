import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import type { ApiRole } from '../../config/api-keys';
import { linkedComplaintId } from '../../domain/linked-complaint';
import { pgliteDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { SearchIndex } from '../../platform/search-index';
import { complaintRecord, listComplaints } from '../../store/queries';
import { envSeal } from '../support/store';
import { startProjector, type Projector } from '../../workers/projector/projector';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { complaintFixture } from '../support/fixtures';
import { testKafka } from '../support/kafka';
import { sleep, waitUntil } from '../support/wait';

/**
 * A customer's reply that raises a new matter, on the real servers (issue 15): submitted through the API,
 * the reply arriving through Kafka and the bridge — twice, as a redelivery does — opens one linked
 * complaint, acknowledged once, linked both ways in the API's status and in the store (via the
 * projector), with the first complaint's deadlines as they were. The action route refuses the same reply
 * again, a role that cannot act, and a body without its summary.
 */
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const id = `linked-${randomUUID().slice(0, 8)}`;
const customerId = `cust-${id}`;
const replyId = `reply-${id}`;
const childId = linkedComplaintId(id, replyId);

let h: ApiHarness;
let db: Db;
let projector: Projector;

const call = (as: ApiRole, method: 'GET' | 'POST', path: string, body?: unknown) => h.call(as, method, path, body);
const reply = {
  eventId: replyId,
  type: 'customer.replied',
  complaintId: id,
  occurredAt: new Date().toISOString(),
  source: 'contact-centre',
  data: {
    message: 'Also: my card was declined in Lisbon last week, twice.',
    newMatter: { summary: 'Card declined abroad', category: 'cards' },
  },
};
type Status = { linkedFrom?: string; relatedTo?: string[]; clocks: Array<{ clock: string; deadline: string }> };

beforeAll(async () => {
  ({ db } = await pgliteDb(undefined));
  await migrate(db);
  // The bridge runs (it carries the reply from Kafka); its metrics are a side effect of asking for it.
  const search = new SearchIndex([{ id: 'it', secret: randomBytes(32) }]);
  h = await startApiHarness('linked-new-matter', { bridgeMetrics: true, store: db, search });
  projector = await startProjector(h.stack.config, testKafka(h.stack.config.kafka.brokers.join(',')), db, logger, {
    groupId: `p-${h.stack.config.topics.lifecycle}`,
  });
}, 120_000);

afterAll(async () => {
  await projector?.stop();
  await h?.stop();
  await db?.close();
});

it('opens one linked complaint for a redelivered reply, linked both ways in the API and the store', async () => {
  const fixture = complaintFixture();
  const submitted = await call('operator', 'POST', '/complaints', {
    complaintId: id,
    ...fixture,
    customer: { ...fixture.customer, id: customerId },
  });
  expect(submitted.status).toBe(201);
  const before = await waitUntil('the complaint acknowledged', async () => {
    const { json } = await call('operator', 'GET', `/complaints/${id}`);
    return json.stage !== 'received' && (json as unknown as Status);
  });

  // The same fact twice, as Kafka redelivers it after a rebalance: one complaint, one acknowledgement.
  await h.stack.publish(h.stack.config.topics.events, id, reply);
  await h.stack.publish(h.stack.config.topics.events, id, reply);
  const child = await waitUntil('the linked complaint acknowledged', async () => {
    const { status, json } = await call('operator', 'GET', `/complaints/${childId}`);
    return status === 200 && json.stage !== 'received' && (json as unknown as Status);
  });
  expect(child.linkedFrom).toBe(id);
  const first = (await call('operator', 'GET', `/complaints/${id}`)).json as unknown as Status;
  expect(first.relatedTo).toEqual([childId]);
  expect(first.clocks.map((c) => [c.clock, c.deadline])).toEqual(before.clocks.map((c) => [c.clock, c.deadline]));

  await h.stack.collector.waitFor<{ complaintId: string; data: { kind: string } }>(
    h.stack.config.topics.notifications,
    (e) => e.complaintId === childId && e.data.kind === 'acknowledgement',
  );
  // Give a second (wrong) start the time to publish its acknowledgement, then count.
  await sleep(2_000);
  expect(
    h.stack.collector.find<{ complaintId: string; data: { kind: string } }>(
      h.stack.config.topics.notifications,
      (e) => e.complaintId === childId && e.data.kind === 'acknowledgement',
    ),
  ).toHaveLength(1);
  const linked = h.stack.collector.find<{ complaintId: string; type: string; data: Record<string, unknown> }>(
    h.stack.config.topics.lifecycle,
    (e) => e.complaintId === id && e.type === 'complaint.linked',
  );
  expect(linked.map((e) => e.data)).toEqual([{ relatedTo: childId, replyId }]);

  // The store, through the projector: both complaints, linked both ways, and no third.
  await waitUntil('the links in the store', async () => {
    const [a, b] = await Promise.all([complaintRecord(db, id, envSeal()), complaintRecord(db, childId, envSeal())]);
    expect(a?.links).toEqual({ relatedTo: [childId] });
    expect(b?.links).toEqual({ linkedFrom: id, relatedTo: [] });
    return true;
  });
  const rows = await listComplaints(db, { customerId }, { limit: 10 });
  expect(rows.map((r) => r.complaintId).sort()).toEqual([id, childId].sort());
  // Found by its summary like any complaint: the worker that opened it indexed it with the deployment's ring.
  const found = await call('operator', 'GET', `/complaints?search=${encodeURIComponent('card declined')}`);
  expect(found.status).toBe(200);
  expect((found.json.items as Array<{ complaintId: string }>).map((c) => c.complaintId)).toEqual([childId]);
});

it('refuses the action on a reply already opened, for a role that cannot act, and without a summary', async () => {
  const again = await call('operator', 'POST', `/complaints/${id}/new-matter`, { replyId, summary: 'Card declined' });
  expect(again.status).toBe(409);
  expect(String(again.json.message)).toContain(`already opened complaint ${childId}`);
  const auditor = await call('auditor', 'POST', `/complaints/${id}/new-matter`, { replyId, summary: 'Card declined' });
  expect(auditor.status).toBe(403);
  const bad = await call('operator', 'POST', `/complaints/${id}/new-matter`, { replyId });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.json.details)).toContain('summary');
});

import { join } from 'node:path';
import { complaintStartOptions } from '../../workflows/contract';
import * as m from '../../workflows/messages';
import { complaintFixture } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { waitUntil } from '../support/wait';

/**
 * The warning ladder on the real dev server and Kafka: the `it-ladder` test policy (jurisdiction FR)
 * gives the first response 20 seconds and the ladder of the shipped policies (assignee at 50 %, team
 * lead at 75 %, supervisor at 90 %, assignee and team lead at breach), so the whole ladder climbs while
 * the test watches, and each rung arrives on `complaints.notifications` with its recipient.
 */
const POLICY_DIR = join(__dirname, '../support/policies-ladder');
const operator = { id: 'op-1', role: 'operator' as const };

interface Event {
  eventId: string;
  type: string;
  complaintId: string;
  data: { kind: string; channel: string; recipient: Record<string, unknown>; subject: string; body: string };
}

let stack: TestStack;
let savedPolicyDir: string | undefined;
beforeAll(async () => {
  savedPolicyDir = process.env.REDRESS_POLICY_DIR;
  process.env.REDRESS_POLICY_DIR = POLICY_DIR; // the worker reads its policies at start
  stack = await startTestStack('ladder', { bridge: false });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  if (savedPolicyDir === undefined) delete process.env.REDRESS_POLICY_DIR;
  else process.env.REDRESS_POLICY_DIR = savedPolicyDir;
});

async function startComplaint(name: string, assignee?: string): Promise<string> {
  const complaintId = `${name}-${Date.now()}`;
  const complaint = complaintFixture({ receivedAt: new Date().toISOString() });
  const input = {
    complaintId,
    complaint: { ...complaint, customer: { ...complaint.customer, jurisdiction: 'FR' } },
    openedBy: { eventId: `evt-${complaintId}`, source: 'test' },
  };
  const handle = await stack.client.workflow.start(
    m.COMPLAINT_WORKFLOW,
    complaintStartOptions(input, stack.config.temporal.taskQueue),
  );
  await waitUntil('intake', async () => (await handle.query(m.statusQuery)).stage === 'acknowledged', 30_000);
  expect((await handle.query(m.statusQuery)).regime).toBe('it-ladder');
  if (assignee) await handle.executeUpdate(m.assignUpdate, { args: [{ actor: operator, assignee }] });
  return complaintId;
}

const staffNotifications = (complaintId: string) =>
  stack.collector.waitFor<Event>(
    stack.config.topics.notifications,
    (e) => e.complaintId === complaintId && e.data.recipient.type === 'staff',
    5,
    90_000,
  );

it('publishes every rung of the ladder as a staff notification, the assignee by id, an unassigned one to the team queue', async () => {
  const [assigned, unassigned] = await Promise.all([
    startComplaint('ladder-assigned', 'agent-7'),
    startComplaint('ladder-unassigned'),
  ]);
  const [mine, queue] = await Promise.all([staffNotifications(assigned), staffNotifications(unassigned)]);

  expect(mine.map((e) => [e.data.kind, e.data.recipient])).toEqual([
    ['deadline-warning', { type: 'staff', role: 'assignee', staffId: 'agent-7' }],
    ['deadline-warning', { type: 'staff', role: 'team-lead' }],
    ['deadline-warning', { type: 'staff', role: 'supervisor' }],
    ['deadline-breached', { type: 'staff', role: 'assignee', staffId: 'agent-7' }],
    ['deadline-breached', { type: 'staff', role: 'team-lead' }],
  ]);
  expect(queue.map((e) => e.data.recipient)).toEqual([
    { type: 'staff', role: 'team-queue', ladder: 'assignee' },
    { type: 'staff', role: 'team-lead' },
    { type: 'staff', role: 'supervisor' },
    { type: 'staff', role: 'team-queue', ladder: 'assignee' },
    { type: 'staff', role: 'team-lead' },
  ]);
  // The envelope and its deterministic id; the letter names the complaint and the clock, nothing of the customer.
  expect(mine[0]).toMatchObject({
    type: 'notification.requested',
    eventId: `redress:${assigned}:notify:ladder:first-response:r1:x0:0.5:assignee`,
    data: { channel: 'internal', subject: `Complaint ${assigned}: first-response at 50% of its time` },
  });
  const customer = complaintFixture().customer;
  for (const personal of [customer.name, customer.email, customer.id]) {
    expect(JSON.stringify([...mine, ...queue])).not.toContain(personal);
  }
}, 150_000);

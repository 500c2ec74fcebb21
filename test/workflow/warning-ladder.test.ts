import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as m from '../../workflows/messages';
import { customerIn, operator, withComplaint, type ComplaintHarness } from '../support/complaint-harness';
import { complaintFixture } from '../support/fixtures';
import { HOUR } from '../support/time';
import { createTimeSkippingEnv } from '../support/workflow-env';

/**
 * The warning ladder on the time-skipping server: the default policy's ladder (assignee at 50 %, team
 * lead at 75 %, supervisor at 90 %, assignee and team lead at breach) over its 24-hour first response,
 * as staff notifications on `complaints.notifications`, each recipient resolved when its rung fires.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const DE = { customer: customerIn('DE') }; // the default regime

/** The first-response clock's staff notifications so far: kind, subject and recipient, in order. */
const ladder = (h: ComplaintHarness) =>
  h
    .notifications()
    .filter(
      (n) =>
        (n.kind === 'deadline-warning' || n.kind === 'deadline-breached') &&
        String(n.subject).includes('first-response'),
    )
    .map((n) => ({ kind: n.kind, recipient: n.recipient }));

describe('the warning ladder', () => {
  it('climbs from the assignee to the team lead to the supervisor, then tells the assignee and lead of the breach', async () => {
    await withComplaint(env, 'warning-ladder', DE, async (h) => {
      await h.act(m.assignUpdate, { actor: operator, assignee: 'agent-7' });
      await h.sleep(11 * HOUR);
      expect(ladder(h)).toEqual([]);
      await h.sleep(2 * HOUR); // past 50 % of 24 h
      expect(ladder(h)).toEqual([
        { kind: 'deadline-warning', recipient: { type: 'staff', role: 'assignee', staffId: 'agent-7' } },
      ]);
      await h.sleep(6 * HOUR); // past 75 % (18 h)
      expect(ladder(h)).toHaveLength(2);
      await h.sleep(6 * HOUR); // past 90 % (21.6 h) and the breach (24 h)
      expect(ladder(h)).toEqual([
        { kind: 'deadline-warning', recipient: { type: 'staff', role: 'assignee', staffId: 'agent-7' } },
        { kind: 'deadline-warning', recipient: { type: 'staff', role: 'team-lead' } },
        { kind: 'deadline-warning', recipient: { type: 'staff', role: 'supervisor' } },
        { kind: 'deadline-breached', recipient: { type: 'staff', role: 'assignee', staffId: 'agent-7' } },
        { kind: 'deadline-breached', recipient: { type: 'staff', role: 'team-lead' } },
      ]);
      // Staff read the complaint in Redress: the notification names the complaint and the clock, no more.
      const customer = complaintFixture().customer;
      const text = JSON.stringify(h.notifications('deadline-warning'));
      for (const personal of [customer.name, customer.email, customer.id]) expect(text).not.toContain(personal);
      expect((await h.timeline()).filter((e) => e.action === 'staff-notified').map((e) => e.detail)).toEqual([
        'first-response at 50%: assignee agent-7',
        'first-response at 75%: team-lead',
        'first-response at 90%: supervisor',
        'first-response breached: assignee agent-7, team-lead',
      ]);
      // The lifecycle events of the warnings are as before, beside the notifications.
      const warnings = h
        .records('complaints.lifecycle', 'complaint.deadline-warning')
        .map((r) => r.value.data.fraction);
      expect(warnings).toEqual([0.5, 0.75, 0.9]);
    });
  });

  it("sends an unassigned complaint's assignee rung to the team queue, and the assignee's once there is one", async () => {
    await withComplaint(env, 'warning-ladder-unassigned', DE, async (h) => {
      await h.sleep(13 * HOUR);
      expect(ladder(h)).toEqual([
        { kind: 'deadline-warning', recipient: { type: 'staff', role: 'team-queue', ladder: 'assignee' } },
      ]);
      await h.act(m.assignUpdate, { actor: operator, assignee: 'agent-9' });
      await h.sleep(12 * HOUR);
      expect(ladder(h).map((n) => n.recipient)).toEqual([
        { type: 'staff', role: 'team-queue', ladder: 'assignee' },
        { type: 'staff', role: 'team-lead' },
        { type: 'staff', role: 'supervisor' },
        { type: 'staff', role: 'assignee', staffId: 'agent-9' },
        { type: 'staff', role: 'team-lead' },
      ]);
    });
  });
});

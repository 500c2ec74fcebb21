import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Assessment } from '../../activities';
import { renderNotification } from '../../activities/notifications';
import { calendarSnapshotCovering } from '../../platform/calendar';
import { ladderOf, parsePolicy, policyInForce, rolesAt, staffRecipient } from '../../domain/policy';
import { loadPolicies, shippedPolicyDir } from '../../platform/policy-files';
import { ComplaintCase, type CaseOptions } from '../../workflows/case';
import type { ComplaintInput } from '../../workflows/messages';
import { complaintFixture } from '../support/fixtures';
import { HOUR } from '../support/time';

/** The warning ladder: the policy field's validation, resolving its roles, and what the case sends. */

interface RawPolicy {
  clocks: Array<Record<string, unknown> & { name: string; kind?: string }>;
  [field: string]: unknown;
}
const raw = (file: string): RawPolicy => JSON.parse(readFileSync(join(shippedPolicyDir(), file), 'utf8')) as RawPolicy;
const errorsOf = (policy: unknown): string[] => {
  const result = parsePolicy(policy);
  return result.ok ? [] : result.errors;
};
const shipped = loadPolicies({ overridePath: null });

describe('the policy ladder field', () => {
  it('is on every shipped policy, naming who hears at each rung', () => {
    for (const policy of shipped) {
      expect({ id: policy.id, ladder: policy.ladder?.length }).toEqual({ id: policy.id, ladder: 5 });
    }
    const disp = policyInForce(shipped, 'fca-disp', '2026-03-02T10:00:00Z');
    expect(rolesAt(disp, 'final-response', 0.5)).toEqual(['assignee']);
    expect(rolesAt(disp, 'final-response', 0.75)).toEqual(['team-lead']);
    expect(rolesAt(disp, 'final-response', 0.9)).toEqual(['supervisor']);
    expect(rolesAt(disp, 'final-response', 'breach')).toEqual(['assignee', 'team-lead']);
    // The acknowledgement has a rung of its own; a window clock (summary resolution) has none.
    expect(ladderOf(disp, 'acknowledgement')).toEqual([{ at: 0.5, notify: 'team-queue' }]);
    expect(ladderOf(disp, 'summary-resolution')).toEqual([]);
  });

  it('refuses a fraction that is not a warning of a clock it covers, naming the clock', () => {
    const p = raw('default.v1.json');
    p.ladder = [{ at: 0.6, notify: 'assignee' }];
    expect(errorsOf(p)).toEqual([
      "ladder[0].at: 0.6 is not a warning of clock first-response (clocks[1]) (its warnings: 0.5, 0.75, 0.9); add it to the clock's warnings or give the clock a ladder of its own",
      "ladder[0].at: 0.6 is not a warning of clock final-response (clocks[2]) (its warnings: 0.5, 0.75, 0.9); add it to the clock's warnings or give the clock a ladder of its own",
    ]);
  });

  it("checks a clock's own ladder against that clock", () => {
    const p = raw('default.v1.json');
    p.clocks[0]!.ladder = [{ at: 0.75, notify: 'team-queue' }];
    expect(errorsOf(p)).toEqual([
      "clocks[0].ladder[0].at: 0.75 is not a warning of this clock (its warnings: 0.5); add it to the clock's warnings",
    ]);
  });

  it('refuses a breach rung for the supervisor where notify-supervisor already alerts them', () => {
    const p = raw('default.v1.json');
    p.ladder = [{ at: 'breach', notify: 'supervisor' }];
    // first-response breaches without notify-supervisor, so only final-response is in the way.
    expect(errorsOf(p)).toEqual([
      'ladder[0].notify: the breach action notify-supervisor of clock final-response (clocks[2]) already alerts the supervisor at breach; keep one of the two',
    ]);
  });

  it('refuses a step with an unknown role or an instant that is neither a fraction nor "breach"', () => {
    const p = raw('default.v1.json');
    p.ladder = [
      { at: 0.9, notify: 'manager' },
      { at: 1, notify: 'supervisor' },
      { at: 'half', notify: 'supervisor' },
    ];
    expect(errorsOf(p)).toEqual([
      'ladder[0].notify: Invalid option: expected one of "assignee"|"team-lead"|"supervisor"|"team-queue"',
      'ladder[1].at: must be below 1, or "breach"',
      'ladder[2].at: must be a warning fraction in (0, 1) or "breach"',
    ]);
  });

  it('refuses steps out of order or repeated', () => {
    const p = raw('default.v1.json');
    p.ladder = [
      { at: 'breach', notify: 'assignee' },
      { at: 0.5, notify: 'assignee' },
      { at: 0.5, notify: 'assignee' },
    ];
    expect(errorsOf(p)).toEqual([
      'ladder[1].at: ladder steps must be in order of `at`, "breach" last',
      'ladder[2]: assignee is notified at 0.5 twice',
    ]);
  });

  it('gives a window clock no ladder of its own', () => {
    const p = raw('fca-disp.v1.json');
    const window = p.clocks.find((c) => c.kind === 'window')!;
    window.ladder = [{ at: 0.5, notify: 'assignee' }];
    const index = p.clocks.indexOf(window);
    expect(errorsOf(p)).toEqual([
      `clocks[${index}].ladder: a window clock neither warns nor breaches, so it has no ladder`,
    ]);
  });
});

describe('ladder recipients', () => {
  it('are the assignee by id, the team queue while unassigned, and other roles as roles', () => {
    expect(staffRecipient('assignee', 'agent-7')).toEqual({ type: 'staff', role: 'assignee', staffId: 'agent-7' });
    expect(staffRecipient('assignee', undefined)).toEqual({ type: 'staff', role: 'team-queue', ladder: 'assignee' });
    expect(staffRecipient('team-lead', 'agent-7')).toEqual({ type: 'staff', role: 'team-lead' });
    expect(staffRecipient('supervisor', undefined)).toEqual({ type: 'staff', role: 'supervisor' });
  });
});

describe('the case climbing the ladder', () => {
  const receivedAt = Date.parse('2026-03-02T10:00:00Z');
  const newCase = (options: Partial<CaseOptions>): ComplaintCase => {
    const complaint = complaintFixture({ customer: { ...complaintFixture().customer, jurisdiction: 'DE' } });
    const input: ComplaintInput = {
      complaintId: 'c-ladder',
      complaint: { ...complaint, receivedAt: new Date(receivedAt).toISOString() },
      openedBy: { eventId: 'evt-open', source: 'test' },
    };
    const assessment: Assessment = {
      policy: policyInForce(shipped, 'default', receivedAt),
      region: 'DE',
      snapshot: calendarSnapshotCovering('DE', receivedAt, receivedAt),
      severity: 'medium',
      repeatOf: [],
    };
    const k = new ComplaintCase(input, assessment, receivedAt, { ids: 'occurrence', ...options });
    k.open(receivedAt);
    k.takeOutbox();
    return k;
  };
  const staffLetters = (k: ComplaintCase) =>
    (k.takeOutbox()?.notifications ?? []).filter((n) => n.staff).map((n) => renderNotification(n));

  it('sends each rung to its role, resolved when it fires, with no customer data', () => {
    const k = newCase({ warningLadder: () => true });
    k.runDue(receivedAt + 12 * HOUR); // 50 % of the 24-hour first response, nobody assigned yet
    const [first, ...none] = staffLetters(k);
    expect(none).toEqual([]);
    expect(first).toMatchObject({
      kind: 'deadline-warning',
      channel: 'internal',
      recipient: { type: 'staff', role: 'team-queue', ladder: 'assignee' },
      subject: 'Complaint c-ladder: first-response at 50% of its time',
      idempotencyKey: 'c-ladder:ladder:first-response:r1:x0:0.5:assignee',
    });
    const customer = complaintFixture().customer;
    const text = JSON.stringify(first);
    for (const personal of [customer.name, customer.email, customer.id]) expect(text).not.toContain(personal);

    k.assignee = 'agent-7';
    k.runDue(receivedAt + 25 * HOUR); // 75 %, 90 % and the breach, in that order
    expect(staffLetters(k).map((l) => [l.kind, l.recipient])).toEqual([
      ['deadline-warning', { type: 'staff', role: 'team-lead' }],
      ['deadline-warning', { type: 'staff', role: 'supervisor' }],
      ['deadline-breached', { type: 'staff', role: 'assignee', staffId: 'agent-7' }],
      ['deadline-breached', { type: 'staff', role: 'team-lead' }],
    ]);
    expect(k.timeline.filter((e) => e.action === 'staff-notified').map((e) => e.detail)).toEqual([
      'first-response at 50%: team-queue (no assignee yet)',
      'first-response at 75%: team-lead',
      'first-response at 90%: supervisor',
      'first-response breached: assignee agent-7, team-lead',
    ]);
  });

  it('notifies nobody while the gate is closed (a history recorded before the ladder)', () => {
    for (const options of [{}, { warningLadder: () => false }]) {
      const k = newCase(options);
      k.runDue(receivedAt + 25 * HOUR);
      expect(staffLetters(k)).toEqual([]);
      expect(k.breaches.map((b) => b.clock)).toEqual(['first-response']);
    }
  });
});

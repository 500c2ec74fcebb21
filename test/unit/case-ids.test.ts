import fc from 'fast-check';
import type { Assessment, PublishBatch } from '../../activities';
import { calendarSnapshotCovering } from '../../platform/calendar';
import { notificationEventId, remedyRequestEventId } from '../../domain/ids';
import { loadPolicies } from '../../platform/policy-files';
import { selectPolicy } from '../../domain/policy';
import type { ActionInput, ActionName } from '../../domain/actions';
import { ComplaintCase } from '../../workflows/case';
import { onCustomerReplied, onRemedyFailed, onRemedyFulfilled, onSurveyResponded } from '../../workflows/case-facts';
import { ActionRefused, applyAction, admitAction, checkAction } from '../../workflows/rules';
import { onPublishFailed, queueViewIfChanged } from '../../workflows/case-publishing';
import type { ComplaintInput } from '../../workflows/messages';
import { complaintFixture } from '../support/fixtures';
import { DAY, HOUR } from '../support/time';

/**
 * Every id Redress publishes — lifecycle event ids, notification ids (the mailer's idempotency key) and
 * remedy request ids — is unique over a complaint's whole life, whatever happens in whatever order:
 * random sequences of actions, facts and time passing (timers firing) are driven through the case,
 * and no id may come out twice. Exact retries republish the same batch, which is the activity's
 * business, not the case's.
 */

const policies = loadPolicies();
const operator = { id: 'op-1', role: 'operator' as const };
const supervisor = { id: 'sup-1', role: 'supervisor' as const };

function newCase(jurisdiction: string, receivedAt: number): ComplaintCase {
  const complaint = complaintFixture({ customer: { ...complaintFixture().customer, jurisdiction } });
  const input: ComplaintInput = {
    complaintId: 'c-prop',
    complaint: { ...complaint, receivedAt: new Date(receivedAt).toISOString() },
    openedBy: { eventId: 'evt-open', source: 'test' },
  };
  const policy = selectPolicy(policies, { jurisdiction, category: complaint.category }, receivedAt);
  const region = jurisdiction === 'US' ? 'US' : 'GB-ENG';
  const assessment: Assessment = {
    policy,
    region,
    snapshot: calendarSnapshotCovering(region, receivedAt, receivedAt),
    severity: 'medium',
    repeatOf: [],
  };
  // With the warning ladder on, so its staff notifications' ids are in the uniqueness check too.
  return new ComplaintCase(input, assessment, receivedAt, {
    ids: 'occurrence',
    timelineLimit: 500,
    seenLimit: 5000,
    warningLadder: () => true,
  });
}

/** One step a complaint can take; each is tried and, when the case refuses it, skipped. */
type Step = (k: ComplaintCase, now: number, n: number) => void;
/** An action through the registry's checks and the case's rule, as the workflow runs it. */
const tryAction =
  <N extends ActionName>(name: N, make: (n: number) => ActionInput<N>): Step =>
  (k, now, n) => {
    const i = make(n);
    try {
      admitAction(name, k.input, i);
      checkAction(name, k, i, now);
    } catch (err) {
      if (err instanceof ActionRefused) return;
      throw err;
    }
    applyAction(name, k, i, now);
  };
const fact = (n: number) => ({ eventId: `fact-${n}`, source: 'test', occurredAt: '2026-03-02T10:00:00Z' });

const STEPS: Record<string, Step> = {
  assign: tryAction('assign', (n) => ({ actor: operator, assignee: `agent-${n % 3}` })),
  account: tryAction('recordAccount', (n) => ({
    actor: operator,
    account: 'Charged twice',
    ...(n % 2 === 0 ? { confirmed: true, confirmedHow: 'on a call' } : { confirmed: false }),
  })),
  question: tryAction('askQuestion', () => ({ actor: operator, question: 'Which card?' })),
  apologise: tryAction('apologise', () => ({ actor: operator, text: 'We are sorry.', faultAdmitted: true })),
  skipApology: tryAction('skipApology', () => ({ actor: operator, reason: 'asked to' })),
  proposeRefund: tryAction('proposeRemedy', (n) => ({
    actor: operator,
    kind: 'refund' as const,
    description: 'Refund',
    amount: n % 2 ? 20 : 900,
    currency: 'GBP',
    dueInDays: 1 + (n % 5),
  })),
  approve: tryAction('decideRemedy', (n) => ({ actor: supervisor, approve: n % 3 !== 0, reason: 'ok' })),
  fulfil: (k, now, n) => k.remedy && onRemedyFulfilled(k, now, { ...fact(n), data: { remedyId: k.remedy.remedyId } }),
  fail: (k, now, n) =>
    k.remedy && onRemedyFailed(k, now, { ...fact(n), data: { remedyId: k.remedy.remedyId, reason: 'card expired' } }),
  escalate: tryAction('escalate', () => ({ actor: operator, reason: 'loud' })),
  inProgress: tryAction('resolve', () => ({
    actor: operator,
    response: 'cfpb-response' as const,
    outcome: 'upheld' as const,
    reasons: 'Looking into it',
    responseType: 'in-progress',
  })),
  finalResponse: tryAction('resolve', () => ({
    actor: operator,
    response: 'final-response' as const,
    outcome: 'upheld' as const,
    reasons: 'We got it wrong.',
  })),
  reply: (k, now, n) =>
    onCustomerReplied(k, now, { ...fact(n), data: { message: 'Still not fixed', sentiment: 'dissatisfied' } }),
  lowScore: (k, now, n) => onSurveyResponded(k, now, { ...fact(n), data: { score: 1, confirmed: true } }),
  publishFailed: (k, now, n) =>
    onPublishFailed(k, now, [{ eventId: `e-${n}`, topic: 'notifications', kind: 'question', reason: 'too large' }]),
  hoursPass: (k, now) => k.runDue(now),
  daysPass: (k, now) => k.runDue(now),
};
const ADVANCE: Record<string, number> = { hoursPass: 7 * HOUR, daysPass: 9 * DAY };

function idsOf(batch: PublishBatch): string[] {
  return [
    ...(batch.lifecycle ?? []).map((e) => e.eventId),
    ...(batch.notifications ?? []).map((r) => notificationEventId(r.complaintId, r.step)),
    ...(batch.remedies ?? []).map((r) => remedyRequestEventId(r.complaintId, r.remedyId)),
  ];
}

describe('outbound ids over a complaint’s life', () => {
  it.each(['GB', 'US'])('are unique whatever sequence of actions, facts and timers (%s)', (jurisdiction) => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...Object.keys(STEPS)), { minLength: 5, maxLength: 60 }), (names) => {
        let now = Date.parse('2026-03-02T09:00:00Z');
        const k = newCase(jurisdiction, now);
        k.open(now);
        const seen = new Map<string, string>();
        const collect = (step: string) => {
          queueViewIfChanged(k, now);
          for (const id of idsOf(k.takeOutbox() ?? {})) {
            if (seen.has(id)) throw new Error(`${id} published twice: by ${seen.get(id)} and by ${step}`);
            seen.set(id, step);
          }
        };
        collect('open');
        names.forEach((name, n) => {
          if (k.isTerminal()) return;
          now += ADVANCE[name] ?? 5 * 60_000;
          STEPS[name]!(k, now, n);
          collect(`${n}:${name}`);
        });
        expect(seen.size).toBeGreaterThan(3);
        // Every stage change went along the stage machine's transitions (a broken one is flagged).
        expect(k.flags.filter((f) => f.startsWith('stage machine'))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('gives a second remedy’s due-date warning and breach ids of their own', () => {
    let now = Date.parse('2026-03-02T09:00:00Z');
    const k = newCase('GB', now);
    k.open(now);
    const ids: string[] = [];
    const run = (f: Step) => {
      f(k, now, 0);
      ids.push(...idsOf(k.takeOutbox() ?? {}));
    };
    run(STEPS.account!.bind(null));
    for (const _ of [1, 2]) {
      now += HOUR;
      run(STEPS.skipApology!);
      run(STEPS.apologise!);
      run((kk, t) => STEPS.proposeRefund!(kk, t, 1)); // small: approved at once, a 2-day due clock
      now += 3 * DAY; // past the due date: warning and breach
      run((kk, t) => kk.runDue(t));
      run((kk, t) => STEPS.fail!(kk, t, 7));
    }
    const breaches = ids.filter((id) => id.includes(':breached:remedy-due:'));
    expect(breaches).toHaveLength(2);
    expect(new Set(breaches).size).toBe(2);
  });
});

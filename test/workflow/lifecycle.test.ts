import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as m from '../../workflows/messages';
import { calendarSnapshotAround } from '../../platform/calendar';
import { addDuration, measure } from '../../domain/clock';
import { customerIn, operator, supervisor, withComplaint, refused, toFollowUp } from '../support/complaint-harness';
import { DAY, HOUR } from '../support/time';
import { createTimeSkippingEnv } from '../support/workflow-env';
import { instantInWords } from '../../domain/letters/date-words';
import { complaintFixture } from '../support/fixtures';

/**
 * The complaint lifecycle on Temporal's time-skipping server: the real workflow and activity code, with
 * only Kafka replaced by a recording publisher. Days and weeks pass in milliseconds.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const DE = { customer: customerIn('DE') }; // the default regime (no specific rule matches Germany)

describe('the happy path', () => {
  it('goes from intake to a measured close, publishing every step', async () => {
    await withComplaint(env, 'happy-path', DE, async (h) => {
      let s = await h.status();
      expect(s).toMatchObject({ stage: 'acknowledged', regime: 'default', region: 'DE', severity: 'medium' });
      const ack = h.notifications('acknowledgement')[0]!;
      const firstDeadline = s.clocks.find((c) => c.clock === 'first-response')!.deadline;
      // In words, in the calendar's zone (Germany: Europe/Berlin): never a raw instant.
      expect(ack.body).toContain(instantInWords(firstDeadline, 'en-GB', 'Europe/Berlin'));
      expect(ack.body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
      expect(s.clocks.find((c) => c.clock === 'acknowledgement')).toMatchObject({ status: 'stopped', met: true });
      expect((await h.timeline())[0]).toMatchObject({
        action: 'received',
        detail: expect.stringContaining('submitted by test') as string,
      });

      await h.act(m.assignUpdate, { actor: operator, assignee: 'agent-7' });
      await h.act(m.recordAccountUpdate, {
        actor: operator,
        account: 'Charged twice in October.',
        confirmed: true,
        confirmedHow: 'on a call',
      });
      await h.act(m.apologiseUpdate, {
        actor: operator,
        text: 'We are sorry: we charged you twice.',
        faultAdmitted: true,
      });
      s = await h.act(m.proposeRemedyUpdate, {
        actor: operator,
        kind: 'refund',
        description: 'Refund of the second charge',
        amount: 49.5,
        currency: 'EUR',
      });
      expect(s.remedy).toMatchObject({
        status: 'requested',
        remedyId: `${h.complaintId}:remedy:1`,
        needsApproval: false,
      });
      const [request] = h.records('complaints.remedies');
      expect(request!.value.data).toMatchObject({
        idempotencyKey: `${h.complaintId}:remedy:1`,
        amount: 49.5,
        currency: 'EUR',
      });

      await h.fact(m.remedyFulfilledSignal, 'fulfil-1', { remedyId: `${h.complaintId}:remedy:1`, reference: 'R-1' });
      s = await h.act(m.resolveUpdate, {
        actor: operator,
        response: 'final-response',
        outcome: 'upheld',
        reasons: 'We charged you twice by mistake.',
        cause: 'billing-error',
      });
      expect(s.stage).toBe('follow-up');
      expect(s.clocks.find((c) => c.clock === 'final-response')).toMatchObject({ status: 'stopped', met: true });

      await h.sleep(2 * DAY + HOUR); // the follow-up delay
      expect(h.notifications('survey')).toHaveLength(1);
      await h.fact(m.surveyRespondedSignal, 'survey-1', { score: 5, confirmed: true });
      s = await h.status();
      expect(s).toMatchObject({ stage: 'resolved', csat: 5, outcome: 'upheld', reopenCount: 0 });

      await h.sleep(31 * DAY); // the reopen window
      const final = await h.handle.result();
      expect(final.stage).toBe('closed');
      expect(h.lifecycle()).toEqual([
        'complaint.opened',
        'complaint.stage-changed',
        'complaint.acknowledged',
        'complaint.stage-changed',
        'complaint.stage-changed',
        'complaint.apology-sent',
        'complaint.stage-changed',
        'complaint.remedy-proposed',
        'complaint.remedy-approved',
        'complaint.remedy-requested',
        'complaint.remedy-fulfilled',
        'complaint.stage-changed',
        'complaint.followup-sent',
        'complaint.stage-changed',
        'complaint.resolved',
        'complaint.stage-changed',
        'complaint.closed',
      ]);
      const ids = h.records('complaints.lifecycle').map((r) => r.value.eventId);
      expect(new Set(ids).size).toBe(ids.length); // deterministic and distinct
      // The record view: numbered 1, 2, 3… and ending as the complaint ended, with nothing personal in it.
      const views = h.views();
      expect(views.map((v) => v.revision)).toEqual(views.map((_, i) => i + 1));
      expect(views.at(-1)).toMatchObject({
        stage: 'closed',
        outcome: 'upheld',
        cause: 'billing-error',
        csat: 5,
        nextDeadline: null,
      });
      expect(JSON.stringify(views)).not.toContain(complaintFixture().description);
      const history = await h.handle.fetchHistory();
      expect(history.events!.length).toBeLessThan(100);
      console.log(`history events of the full happy path: ${history.events!.length}`);
    });
  });
});

describe('remedies', () => {
  it('needs a supervisor to approve a remedy above the threshold', async () => {
    await withComplaint(env, 'remedy-approval', DE, async (h) => {
      await h.act(m.recordAccountUpdate, {
        actor: operator,
        account: 'Lost parcel',
        confirmed: true,
        confirmedHow: 'on a call',
      });
      await h.act(m.skipApologyUpdate, {
        actor: operator,
        reason: 'The customer asked us to get straight to the refund.',
      });
      let s = await h.act(m.proposeRemedyUpdate, {
        actor: operator,
        kind: 'refund',
        description: 'Full refund',
        amount: 900,
        currency: 'EUR',
      });
      expect(s.remedy).toMatchObject({ status: 'awaiting-approval', needsApproval: true });
      expect(h.records('complaints.remedies')).toHaveLength(0);
      expect(h.notifications('supervisor-alert')).toHaveLength(1);
      await refused(h.act(m.decideRemedyUpdate, { actor: operator, approve: true, reason: 'ok' }), /only a supervisor/);
      s = await h.act(m.decideRemedyUpdate, {
        actor: supervisor,
        approve: true,
        reason: 'Parcel confirmed lost by the courier',
      });
      expect(s.remedy).toMatchObject({ status: 'requested', approvedBy: 'sup-1' });
      expect(h.records('complaints.remedies')).toHaveLength(1);
    });
  });

  it('declines with an explanation and the alternatives, the referral rights coming with the final response', async () => {
    await withComplaint(env, 'decline', { customer: customerIn('GB-ENG') }, async (h) => {
      expect((await h.status()).regime).toBe('fca-disp');
      await h.act(m.recordAccountUpdate, {
        actor: operator,
        account: 'Wants compensation for a delay',
        confirmed: true,
        confirmedHow: 'on a call',
      });
      await h.act(m.apologiseUpdate, { actor: operator, text: 'We are sorry for the delay.', faultAdmitted: false });
      await refused(
        h.act(m.proposeRemedyUpdate, {
          actor: operator,
          kind: 'decline',
          description: 'The delay was within the published terms.',
        }),
        /must include: alternatives/,
      );
      const s = await h.act(m.proposeRemedyUpdate, {
        actor: operator,
        kind: 'decline',
        description: 'The delay was within the published delivery times.',
        alternatives: ['A free upgrade to next-day delivery on your next order'],
      });
      expect(s.remedy?.status).toBe('declined');
      const decline = h.notifications('decline')[0]!;
      expect(decline.body).toContain('A free upgrade to next-day delivery');
      // A decline is not a final response: no premature ombudsman paragraph (DISP 1.6.2R).
      expect(decline.body).not.toContain('Financial Ombudsman Service');
      await h.act(m.resolveUpdate, {
        actor: operator,
        response: 'final-response',
        outcome: 'not-upheld',
        reasons: 'The delivery met the promised times.',
      });
      const final = h.notifications('final-response')[0]!;
      expect(final.body).toContain('Financial Ombudsman Service');
      expect(final.body).toContain('within six months');
      expect(h.lifecycle()).toContain('complaint.remedy-declined');
    });
  });

  it('returns a failed remedy to the agent, who can propose another; its due date is a clock', async () => {
    await withComplaint(env, 'remedy-failure', DE, async (h) => {
      await h.act(m.recordAccountUpdate, {
        actor: operator,
        account: 'Broken kettle',
        confirmed: true,
        confirmedHow: 'on a call',
      });
      await h.act(m.skipApologyUpdate, { actor: operator, reason: 'Apologised on the phone already.' });
      let s = await h.act(m.proposeRemedyUpdate, {
        actor: operator,
        kind: 'replacement',
        description: 'New kettle',
        dueInDays: 3,
      });
      const due = s.clocks.find((c) => c.clock === 'remedy-due')!;
      expect(due.status).toBe('running');
      expect(Date.parse(due.deadline) - (await h.time())).toBeLessThanOrEqual(3 * DAY);
      await h.fact(m.remedyFailedSignal, 'fail-1', { remedyId: `${h.complaintId}:remedy:1`, reason: 'Out of stock' });
      s = await h.status();
      expect(s.stage).toBe('remedy');
      expect(s.remedy).toMatchObject({ status: 'failed', failureReason: 'Out of stock' });
      expect(s.clocks.find((c) => c.clock === 'remedy-due')!.status).toBe('stopped');
      expect(h.lifecycle()).toContain('complaint.remedy-failed');
      s = await h.act(m.proposeRemedyUpdate, {
        actor: operator,
        kind: 'refund',
        description: 'Refund instead',
        amount: 30,
        currency: 'EUR',
        dueInDays: 2,
      });
      expect(s.remedy).toMatchObject({ remedyId: `${h.complaintId}:remedy:2`, status: 'requested' });
      // The promise is a clock: missing it breaches and escalates.
      await h.sleep(2 * DAY + HOUR);
      s = await h.status();
      expect(s.breaches.map((b) => b.clock)).toContain('remedy-due');
      expect(s.escalated).toBe(true);
    });
  });
});

describe('follow-up and reopening', () => {
  it('reopens on a low confirmed score, counting reopens, and ignores an unconfirmed answer', async () => {
    await withComplaint(env, 'reopen-low-score', DE, async (h) => {
      await toFollowUp(h);
      await h.fact(m.surveyRespondedSignal, 'scanner-click', { score: 1, confirmed: false });
      expect((await h.status()).stage).toBe('follow-up');
      await h.fact(m.surveyRespondedSignal, 'survey-low', { score: 2, confirmed: true });
      const s = await h.status();
      expect(s).toMatchObject({ stage: 'listening', reopenCount: 1, csat: 2 });
      expect(s.clocks.find((c) => c.clock === 'final-response')!.status).toBe('running');
      expect(h.lifecycle()).toContain('complaint.reopened');
    });
  });

  it('reopens on a dissatisfied reply after the final response; a thank-you or an unread reply reopens nothing', async () => {
    await withComplaint(env, 'reopen-reply', DE, async (h) => {
      await toFollowUp(h);
      await h.fact(m.customerRepliedSignal, 'thanks', { message: 'Thanks!', sentiment: 'satisfied' });
      expect((await h.status()).stage).toBe('follow-up');
      // Nobody read this one yet: it is flagged for a person, not taken as a complaint.
      await h.fact(m.customerRepliedSignal, 'unread', { message: 'About the replacement.' });
      let s = await h.status();
      expect(s).toMatchObject({ stage: 'follow-up', reopenCount: 0 });
      expect(s.flags).toContain('a reply after the final response: read it (a new matter is a new complaint)');
      await h.fact(m.customerRepliedSignal, 'still-wrong', {
        message: 'The replacement is wrong too.',
        sentiment: 'dissatisfied',
      });
      s = await h.status();
      expect(s).toMatchObject({ stage: 'listening', reopenCount: 1 });
    });
  });

  it('closes as resolved without feedback when nobody answers the survey', async () => {
    await withComplaint(env, 'no-feedback', DE, async (h) => {
      await toFollowUp(h);
      await h.sleep(15 * DAY);
      const s = await h.status();
      expect(s.stage).toBe('resolved');
      expect(s.csat).toBeUndefined();
      await h.sleep(31 * DAY);
      expect((await h.handle.result()).stage).toBe('closed');
    });
  });
});

describe('withdrawal', () => {
  it('ends the complaint when the customer withdraws it (via Kafka), stopping every clock', async () => {
    await withComplaint(env, 'withdrawal', DE, async (h) => {
      await h.act(m.askQuestionUpdate, { actor: operator, question: 'Which order was it?' });
      await h.fact(m.customerWithdrewSignal, 'withdrew-1', { reason: 'Sorted it out myself' });
      const s = await h.handle.result();
      expect(s.stage).toBe('withdrawn');
      expect(s.clocks.every((c) => c.status === 'stopped')).toBe(true);
      expect(h.lifecycle()).toContain('complaint.withdrawn');
    });
  });

  it("lets an operator withdraw on the customer's behalf, with a reason", async () => {
    await withComplaint(env, 'withdraw-update', DE, async (h) => {
      await refused(h.act(m.withdrawUpdate, { actor: operator, reason: ' ' }), /reason: must not be empty/);
      await h.act(m.withdrawUpdate, { actor: operator, reason: 'Customer called to withdraw' });
      expect((await h.handle.result()).stage).toBe('withdrawn');
    });
  });
});

describe('clocks: warnings and breaches', () => {
  it('warns at every fraction and breaches the first-response and final-response windows when nothing happens', async () => {
    await withComplaint(env, 'breaches', DE, async (h) => {
      await h.sleep(11 * HOUR);
      expect(h.lifecycle()).not.toContain('complaint.deadline-warning');
      await h.sleep(2 * HOUR); // past 50 % of 24 h
      let warnings = h.records('complaints.lifecycle', 'complaint.deadline-warning').map((r) => r.value.data);
      expect(warnings).toEqual([expect.objectContaining({ clock: 'first-response', fraction: 0.5, late: false })]);
      await h.sleep(12 * HOUR);
      let s = await h.status();
      expect(s.breaches.map((b) => b.clock)).toEqual(['first-response']);
      expect(s.escalated).toBe(true);
      warnings = h.records('complaints.lifecycle', 'complaint.deadline-warning').map((r) => r.value.data);
      expect(warnings.filter((w) => w.clock === 'first-response').map((w) => w.fraction)).toEqual([0.5, 0.75, 0.9]);
      expect(h.lifecycle()).toContain('complaint.deadline-breached');
      await h.sleep(16 * DAY); // 10 business days have certainly passed
      s = await h.status();
      expect(s.breaches.map((b) => b.clock)).toEqual(['first-response', 'final-response']);
      expect(s.clocks.find((c) => c.clock === 'final-response')!.warningsFired).toEqual([0.5, 0.75, 0.9]);
      // Two breaches, one alert: the default policy's first-response breach escalates and publishes, and
      // only the final-response breach also notifies the supervisor.
      const alerts = h.notifications('supervisor-alert').map((n) => String(n.subject));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatch(/final-response deadline breached/);
      expect(h.records('complaints.lifecycle', 'complaint.deadline-breached')).toHaveLength(2);
    });
  });
});

describe('regulatory regimes', () => {
  it('FCA: takes the summary resolution fast path within 3 business days, and refuses it after', async () => {
    await withComplaint(env, 'summary-resolution', { customer: customerIn('GB-SCT') }, async (h) => {
      const resolution = {
        actor: operator,
        response: 'summary-resolution' as const,
        outcome: 'upheld' as const,
        reasons: 'We refunded the fee on the call.',
      };
      // DISP 1.5.3G(2): only a resolution the customer accepted takes the summary route.
      await refused(
        h.act(m.resolveUpdate, resolution),
        /customerAccepted: a summary resolution needs the customer's acceptance/,
      );
      const s = await h.act(m.resolveUpdate, { ...resolution, customerAccepted: 'on the call on 2 December' });
      expect((await h.timeline()).find((e) => e.action === 'summary-resolution-sent')?.detail).toContain(
        'the customer accepted it on the call on 2 December',
      );
      expect(s.stage).toBe('follow-up');
      expect(s.region).toBe('GB-SCT');
      const letter = h.notifications('summary-resolution')[0]!;
      expect(letter.body).toContain('we now consider your complaint resolved');
      expect(letter.body).toContain('Financial Ombudsman Service');
      expect(s.clocks.find((c) => c.clock === 'final-response')!.status).toBe('stopped');
    });
    await withComplaint(env, 'summary-resolution-late', { customer: customerIn('GB-ENG') }, async (h) => {
      await h.sleep(7 * DAY);
      await refused(
        h.act(m.resolveUpdate, {
          actor: operator,
          response: 'summary-resolution',
          outcome: 'upheld',
          reasons: 'Late',
          customerAccepted: 'by email',
        }),
        /summary resolution route is open only until/,
      );
      // The window closing is no breach: it has no breach actions.
      expect((await h.status()).breaches.map((b) => b.clock)).not.toContain('summary-resolution');
    });
  });

  it("FCA payment services: a supervisor's holding response extends 15 to 35 business days; not after day 15", async () => {
    await withComplaint(
      env,
      'holding-response',
      { customer: customerIn('GB-ENG'), category: 'payments' },
      async (h) => {
        let s = await h.status();
        expect(s.regime).toBe('fca-payments');
        const before = s.clocks.find((c) => c.clock === 'final-response')!;
        expect(before.target).toBe(15);
        const input = {
          reason: 'We are waiting for the card scheme',
          expectedBy: new Date((await h.time()) + 30 * DAY).toISOString(),
        };
        await refused(h.act(m.extendUpdate, { actor: operator, ...input }), /only a supervisor/);
        s = await h.act(m.extendUpdate, { actor: supervisor, ...input });
        const after = s.clocks.find((c) => c.clock === 'final-response')!;
        expect(after.target).toBe(35);
        expect(Date.parse(after.deadline)).toBeGreaterThan(Date.parse(before.deadline) + 20 * DAY);
        expect(h.notifications('holding-response')[0]!.body).toContain('waiting for the card scheme');
        await refused(h.act(m.extendUpdate, { actor: supervisor, ...input }), /already sent/);
      },
    );
    await withComplaint(
      env,
      'holding-response-late',
      { customer: customerIn('GB-ENG'), category: 'payments' },
      async (h) => {
        await h.sleep(25 * DAY); // past 15 business days
        await refused(
          h.act(m.extendUpdate, {
            actor: supervisor,
            reason: 'Too late',
            expectedBy: new Date((await h.time()) + DAY).toISOString(),
          }),
          /must be sent before the final-response deadline/,
        );
      },
    );
  });

  it('CFPB: an in-progress response stops the 15-day clock; the closing needs one of the fixed response types', async () => {
    const receivedAt = await env.currentTimeMs();
    // The CFPB sent it three days before the firm's systems picked it up: its days count from then.
    const sentAt = new Date(receivedAt - 3 * DAY).toISOString();
    const referred = { customer: customerIn('US'), referral: { by: 'cfpb' as const, sentAt, reference: '251202-123' } };
    await withComplaint(env, 'cfpb', { ...referred, receivedAt: new Date(receivedAt).toISOString() }, async (h) => {
      const clocks = (await h.status()).clocks;
      expect((await h.status()).regime).toBe('cfpb');
      const us = calendarSnapshotAround('US', sentAt);
      const daysAfterSent = (amount: number) => addDuration(sentAt, { amount, unit: 'days' }, us);
      expect(clocks.find((c) => c.clock === 'response')!.deadline).toBe(daysAfterSent(15));
      expect(clocks.find((c) => c.clock === 'final-response')!.deadline).toBe(daysAfterSent(60));
      // Redress's own promise counts from its own receipt.
      expect(Date.parse(clocks.find((c) => c.clock === 'first-response')!.deadline)).toBe(receivedAt + DAY);
      await h.act(m.recordAccountUpdate, {
        actor: operator,
        account: 'Fee charged in error',
        confirmed: true,
        confirmedHow: 'on a call',
      });
      let s = await h.act(m.resolveUpdate, {
        actor: operator,
        response: 'cfpb-response',
        responseType: 'in-progress',
        outcome: 'upheld',
        reasons: 'We are reviewing the fee.',
      });
      expect(s.clocks.find((c) => c.clock === 'response')!.status).toBe('stopped');
      expect(s.clocks.find((c) => c.clock === 'final-response')!.status).toBe('running');
      await h.act(m.apologiseUpdate, { actor: operator, text: 'We apologize for the error.', faultAdmitted: true });
      await h.act(m.proposeRemedyUpdate, {
        actor: operator,
        kind: 'refund',
        description: 'Fee refund',
        amount: 35,
        currency: 'USD',
      });
      await h.fact(m.remedyFulfilledSignal, 'cfpb-fulfil', { remedyId: `${h.complaintId}:remedy:1` });
      await refused(
        h.act(m.resolveUpdate, { actor: operator, response: 'cfpb-response', outcome: 'upheld', reasons: 'Refunded.' }),
        /responseType: a CFPB response needs its response type/,
      );
      s = await h.act(m.resolveUpdate, {
        actor: operator,
        response: 'cfpb-response',
        responseType: 'closed-with-monetary-relief',
        outcome: 'upheld',
        reasons: 'Refunded.',
      });
      expect(s.stage).toBe('follow-up');
      expect(h.notifications('apology')[0]!.subject).toContain('apologize');
    });
    // A complaint made to the firm directly is not the CFPB's to time.
    await withComplaint(env, 'us-direct', { customer: customerIn('US') }, async (h) => {
      expect((await h.status()).regime).toBe('default');
    });
  });
});

describe('pauses', () => {
  it('waiting on the customer over a weekend costs the business-day clock only the working hours', async () => {
    // Fixed instants, so the expected deadlines below are worked out by hand, not by the clock code under
    // test. The test server only moves forward, so they lie far ahead of today. Berlin is on CET (UTC+1)
    // all the while (summer time starts on 25 March 2040) and there is no German holiday in between.
    // Received Monday 27 February 2040, 09:00 Berlin: the 10 business days count from the next day
    // (Tue 28 Feb, Wed 29 Feb, Thu 1 Mar ... Mon 12 Mar), so the final response is due Mon 12 Mar 17:00;
    // its 90 % warning (9 business days) falls on Friday 9 March 17:00, inside the weekend pause.
    const receivedAt = Date.parse('2040-02-27T08:00:00Z');
    const friday = Date.parse('2040-03-09T14:00:00Z'); // 15:00 Berlin
    const monday = Date.parse('2040-03-12T09:00:00Z'); // 10:00 Berlin, 67 hours later
    const ahead = receivedAt - (await env.currentTimeMs());
    expect(ahead).toBeGreaterThan(0); // the server's clock must not have passed the chosen start
    await env.sleep(ahead);
    await withComplaint(env, 'weekend-pause', DE, async (h) => {
      await h.sleep(friday - (await h.time()));
      await h.act(m.recordAccountUpdate, {
        actor: operator,
        account: 'Overcharged',
        confirmed: true,
        confirmedHow: 'on a call',
      });
      const before = (await h.status()).clocks.find((c) => c.clock === 'final-response')!;
      expect(before.deadline.slice(0, 19)).toBe('2040-03-12T16:00:00');
      await h.act(m.skipApologyUpdate, { actor: operator, reason: 'Already apologised on the phone' });
      let s = await h.act(m.askQuestionUpdate, { actor: operator, question: 'Which card was charged?' });
      expect(s.waitingOnCustomer).toBe(true);
      expect(s.clocks.find((c) => c.clock === 'final-response')!.status).toBe('paused');
      await h.sleep(monday - friday); // Friday 15:00 to Monday 10:00
      await h.fact(m.customerRepliedSignal, 'which-card', { message: 'The visa one' });
      s = await h.status();
      const after = s.clocks.find((c) => c.clock === 'final-response')!;
      expect(after.status).toBe('running');
      // 2 working hours on Friday (15:00-17:00) and 1 on Monday (09:00-10:00): the pause costs 3 business
      // hours, not the 67 hours the customer took.
      const snapshot = calendarSnapshotAround('DE', new Date(receivedAt).toISOString());
      expect(measure(new Date(friday).toISOString(), new Date(monday).toISOString(), 'business-hours', snapshot)).toBe(
        3,
      );
      // The deadline moves by those 3 business hours: Mon 12 Mar 17:00 becomes Tue 13 Mar 12:00 Berlin.
      expect(after.deadline.slice(0, 19)).toBe('2040-03-13T11:00:00');
      expect(after.remaining).toBeCloseTo(before.remaining, 3);
      // The warnings before the pause fired on time; the 90 % one, whose instant passed during the pause,
      // fires at the resume, late, never skipped.
      const warnings = h
        .records('complaints.lifecycle', 'complaint.deadline-warning')
        .map((r) => r.value)
        .filter((w) => w.data.clock === 'final-response')
        .map((w) => ({ fraction: w.data.fraction, late: w.data.late, at: w.occurredAt.slice(0, 16) }));
      expect(warnings).toEqual([
        { fraction: 0.5, late: false, at: '2040-03-05T16:00' },
        { fraction: 0.75, late: false, at: '2040-03-08T12:00' },
        { fraction: 0.9, late: true, at: '2040-03-12T09:00' },
      ]);
    });
  });
});

describe('repeated and rejected messages', () => {
  it('applies a repeated event id once and a repeated update id once', async () => {
    await withComplaint(env, 'repeats', DE, async (h) => {
      await h.act(m.recordAccountUpdate, { actor: operator, account: 'x', confirmed: false }, 'update-1');
      await h.act(m.recordAccountUpdate, { actor: operator, account: 'x', confirmed: false }, 'update-1');
      expect((await h.timeline()).filter((e) => e.action === 'account-recorded')).toHaveLength(1);
      expect(h.notifications('account-confirmation')).toHaveLength(1);
      await h.fact(m.customerRepliedSignal, 'reply-1', { message: 'Yes that is right' });
      await h.fact(m.customerRepliedSignal, 'reply-1', { message: 'Yes that is right' });
      expect((await h.timeline()).filter((e) => e.eventId === 'reply-1')).toHaveLength(1);
    });
  });

  it('refuses actions in the wrong stage or role with a reason, changing nothing', async () => {
    await withComplaint(env, 'rejected', DE, async (h) => {
      const before = await h.timeline();
      await refused(
        h.act(m.proposeRemedyUpdate, { actor: operator, kind: 'refund', description: 'x', amount: 5, currency: 'EUR' }),
        /before listening is done/,
      );
      await refused(
        h.act(m.apologiseUpdate, { actor: operator, text: 'Sorry', faultAdmitted: true }),
        /cannot apologise in the acknowledged stage/,
      );
      await refused(
        h.act(m.assignUpdate, { actor: { id: 'audit-1', role: 'auditor' }, assignee: 'x' }),
        /the auditor role cannot act/,
      );
      await refused(
        h.act(m.resolveUpdate, { actor: operator, response: 'final-response', outcome: 'upheld', reasons: 'x' }),
        /cannot send the final response in the acknowledged stage/,
      );
      await refused(
        h.act(m.resolveUpdate, {
          actor: operator,
          response: 'final-response',
          outcome: 'upheld',
          reasons: 'x',
          cause: 'gremlins',
        }),
        /cause: must be one of billing-error, /,
      );
      await h.act(m.assignUpdate, { actor: operator, assignee: 'agent-7' });
      await refused(h.act(m.assignUpdate, { actor: operator, assignee: 'agent-9' }), /reassigning needs a supervisor/);
      await h.act(m.assignUpdate, { actor: supervisor, assignee: 'agent-9' });
      const after = await h.timeline();
      expect(after.length).toBe(before.length + 2);
      expect((await h.status()).assignee).toBe('agent-9');
    });
  });

  it('flags blaming or defensive phrasing to the timeline and the supervisor, never rewriting it', async () => {
    await withComplaint(env, 'respect-check', DE, async (h) => {
      await h.act(m.recordAccountUpdate, {
        actor: operator,
        account: 'Late delivery',
        confirmed: true,
        confirmedHow: 'on a call',
      });
      const text = 'As already explained, this was not our fault, but we are sorry.';
      // Severe text is sent only once a supervisor approved that draft (test/workflow/drafts.test.ts).
      const draft = await h.handle.executeUpdate(m.draftUpdate, {
        args: [{ action: 'apologise', input: { text, faultAdmitted: false }, actor: operator }],
      });
      await h.act(m.ACTION_UPDATES.approveDraft, { actor: supervisor, draftId: draft.draftId });
      const s = await h.act(m.apologiseUpdate, { actor: operator, text, faultAdmitted: false });
      // The respect check v2 (patch redress-respect-v2): category, the words as written, then a suggestion.
      expect(s.flags.join(' ')).toMatch(/respect check: argument "As already explained" — Acknowledge/);
      expect(s.flags.join(' ')).toMatch(/respect check: argument "this was not our fault" — Explain/);
      const entry = (await h.timeline()).find((e) => e.action === 'apology-sent')!;
      expect(entry.flags).toHaveLength(2);
      expect(h.notifications('apology')[0]!.body).toContain(text);
      expect(h.notifications('supervisor-alert').some((n) => String(n.subject).includes('respect check'))).toBe(true);
    });
  });
});

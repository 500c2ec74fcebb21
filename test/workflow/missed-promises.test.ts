import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { instantInWords } from '../../domain/letters/date-words';
import * as m from '../../workflows/messages';
import { customerIn, listenOnCall, operator, supervisor, withComplaint } from '../support/complaint-harness';
import { DAY, HOUR } from '../support/time';
import { createTimeSkippingEnv } from '../support/workflow-env';

/**
 * A remedy's due date and a holding response's date are promises the customer was given (issue 13
 * part 5): missing one escalates and apologises with a new date, as a missed call-back does
 * (commitments.test.ts); the new date is kept by the remedy's fulfilment or by the final response, so
 * it never goes missed after the promise was kept. Recorded for the replay corpus (patch
 * `redress-missed-promise-apology`).
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

it('apologises for a missed remedy date with a new one, kept when the remedy is fulfilled', async () => {
  await withComplaint(env, 'missed-remedy-due', { customer: customerIn('DE') }, async (h) => {
    await listenOnCall(h, 'Broken kettle');
    await h.act(m.skipApologyUpdate, { actor: operator, reason: 'Apologised on the phone already.' });
    let s = await h.act(m.proposeRemedyUpdate, {
      actor: operator,
      kind: 'refund',
      description: 'A refund of 30 EUR to your card',
      amount: 30,
      currency: 'EUR',
      dueInDays: 2,
    });
    const remedyId = s.remedy!.remedyId;
    expect(s.commitments.find((c) => c.source === 'remedy')).toMatchObject({ status: 'open' });
    expect(h.notifications('commitment-apology')).toHaveLength(0);

    await h.sleep(2 * DAY + HOUR);
    s = await h.status();
    expect(s.breaches.map((b) => b.clock)).toContain('remedy-due');
    expect(s.escalated).toBe(true);
    const promise = s.commitments.find((c) => c.source === 'remedy')!;
    expect(promise).toMatchObject({ commitmentId: `${remedyId}:due`, status: 'missed' });
    const next = s.commitments.find((c) => c.rescheduledFrom === promise.commitmentId)!;
    expect(next).toMatchObject({ kind: 'remedy', status: 'open', source: 'rescheduled', words: promise.words });
    expect(Date.parse(next.dueAt)).toBeGreaterThan(Date.parse(promise.dueAt));
    const apologies = h.notifications('commitment-apology');
    expect(apologies).toHaveLength(1);
    expect(String(apologies[0]!.body)).toContain('We told you: "A refund of 30 EUR to your card"');
    expect(String(apologies[0]!.body)).toContain(instantInWords(next.dueAt, 'en-GB', 'Europe/Berlin'));
    expect(h.lifecycle()).toContain('complaint.commitment-missed');
    // The clock's own breach escalated it; the missed promise adds no second escalation.
    expect((await h.timeline()).filter((e) => e.action === 'escalated')).toHaveLength(1);

    await h.fact(m.remedyFulfilledSignal, 'fulfilled-1', { remedyId, reference: 'RF-1' });
    s = await h.status();
    expect(s.commitments.find((c) => c.commitmentId === next.commitmentId)?.status).toBe('kept');
    await h.sleep(3 * DAY);
    s = await h.status();
    expect(s.commitments.find((c) => c.commitmentId === next.commitmentId)?.status).toBe('kept');
    expect((await h.timeline()).filter((e) => e.action === 'commitment-missed')).toHaveLength(1);
    expect(h.notifications('commitment-apology')).toHaveLength(1);
  });
});

it('apologises for a missed holding-response date with a new one, kept by the final response', async () => {
  await withComplaint(env, 'missed-holding-date', { customer: customerIn('GB-ENG') }, async (h) => {
    const receivedAt = Date.parse((await h.status()).receivedAt);
    await listenOnCall(h, 'Statements from the old bank are missing');
    await h.act(m.skipApologyUpdate, { actor: operator, reason: 'Nothing to apologise for yet.' });
    await h.sleep(50 * DAY); // the eighth week, when a holding response may go (DISP 1.6.2R)
    let s = await h.act(m.extendUpdate, {
      actor: supervisor,
      reason: 'We are waiting for the statements of your old account from the other bank',
      expectedBy: new Date(receivedAt + 70 * DAY).toISOString(),
    });
    expect(s.commitments.find((c) => c.source === 'holding')).toMatchObject({ status: 'open' });

    // Two hours past the promised date, without a final response. Not a day past: the new date is one
    // business day on, so a day's sleep reaches it on some weekdays of the run (the test server starts now).
    await h.sleep(20 * DAY + 2 * HOUR);
    s = await h.status();
    expect(s.breaches.map((b) => b.clock)).toContain('final-response');
    const promise = s.commitments.find((c) => c.source === 'holding')!;
    expect(promise.status).toBe('missed');
    const next = s.commitments.find((c) => c.rescheduledFrom === promise.commitmentId)!;
    expect(next).toMatchObject({ kind: 'holding', status: 'open', source: 'rescheduled' });
    const apologies = h.notifications('commitment-apology');
    expect(apologies).toHaveLength(1);
    expect(String(apologies[0]!.body)).toContain('We will send you our final response.');
    expect(String(apologies[0]!.body)).toContain(instantInWords(next.dueAt, 'en-GB', 'Europe/London'));
    expect(s.escalated).toBe(true);

    await h.act(m.proposeRemedyUpdate, { actor: operator, kind: 'explanation', description: 'What the bank sent' });
    s = await h.act(m.resolveUpdate, {
      actor: operator,
      response: 'final-response',
      outcome: 'not-upheld',
      reasons: 'The statements show the payment was made as you asked.',
    });
    expect(s.commitments.find((c) => c.commitmentId === next.commitmentId)?.status).toBe('kept');
    await h.sleep(3 * DAY);
    expect((await h.timeline()).filter((e) => e.action === 'commitment-missed')).toHaveLength(1);
    expect(h.notifications('commitment-apology')).toHaveLength(1);
  });
});

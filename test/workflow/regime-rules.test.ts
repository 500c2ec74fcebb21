import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as m from '../../workflows/messages';
import { instantInWords } from '../../domain/letters/date-words';
import {
  customerIn,
  operator,
  supervisor,
  withComplaint,
  refused,
  toFollowUp,
  listenOnCall,
} from '../support/complaint-harness';
import { DAY } from '../support/time';
import { createTimeSkippingEnv } from '../support/workflow-env';

/**
 * Issue 15: the FCA holding-letter sequence on the time-skipping server. Under DISP 1.6.2R a holding
 * response goes at the end of the eight weeks (it tells the customer they may now refer to the
 * ombudsman) and does not end the duty to give a final response: an early one is refused, and after
 * one the final-response clock is due at the date it promised, and breaches if that passes.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const GB = { customer: customerIn('GB-ENG') };
const reason = 'We are waiting for the statements of your old account from the other bank';

it('refuses a holding response before week 7, then tracks the final response to the date it promised', async () => {
  await withComplaint(env, 'fca-holding-sequence', GB, async (h) => {
    const receivedAt = Date.parse((await h.status()).receivedAt);
    expect((await h.status()).regime).toBe('fca-disp');
    const at = (days: number) => new Date(receivedAt + days * DAY).toISOString();

    await h.sleep(2 * DAY);
    await refused(
      h.act(m.extendUpdate, { actor: supervisor, reason, expectedBy: at(70) }),
      /is sent from .* \(7 weeks after receipt\), when the customer may refer to the ombudsman/,
    );
    expect(h.notifications('holding-response')).toHaveLength(0);

    await h.sleep(48 * DAY); // day 50: in the eighth week
    const eightWeeks = (await h.status()).clocks.find((c) => c.clock === 'final-response')!;
    expect(eightWeeks).toMatchObject({ status: 'running' });
    expect(Date.parse(eightWeeks.deadline)).toBe(receivedAt + 56 * DAY);
    await refused(
      h.act(m.extendUpdate, { actor: supervisor, reason, expectedBy: at(53) }),
      /expectedBy: must be after the final-response deadline/,
    );
    await refused(
      h.act(m.extendUpdate, { actor: supervisor, reason, expectedBy: at(120) }),
      /expectedBy: must not be after .*16 weeks after receipt/,
    );

    let s = await h.act(m.extendUpdate, { actor: supervisor, reason, expectedBy: at(70) });
    const final = s.clocks.find((c) => c.clock === 'final-response')!;
    // Not stopped: due at the promised date, which is a commitment to the customer.
    expect(final.status).toBe('running');
    expect(Date.parse(final.deadline)).toBe(receivedAt + 70 * DAY);
    expect(s.commitments.find((c) => c.source === 'holding')).toMatchObject({ dueAt: final.deadline, status: 'open' });
    expect(h.notifications('holding-response')).toHaveLength(1);

    await h.sleep(12 * DAY); // day 62: past the eight weeks, before the promise
    s = await h.status();
    expect(s.breaches.map((b) => b.clock)).not.toContain('final-response');

    await h.sleep(9 * DAY); // day 71: the promised date passed without a final response
    s = await h.status();
    expect(s.breaches.map((b) => b.clock)).toContain('final-response');
    expect(s.commitments.find((c) => c.source === 'holding')?.status).toBe('missed');
    expect(h.lifecycle()).toContain('complaint.deadline-breached');
  });
});

describe('after the final response under the FCA', () => {
  it('signposts the ombudsman on a dissatisfied reply instead of reopening, and flags an unread one', async () => {
    await withComplaint(env, 'fca-signpost-reply', GB, async (h) => {
      await toFollowUp(h);
      const finalAt = Date.parse((await h.timeline()).find((e) => e.action === 'final-response-sent')!.at);
      await h.fact(m.customerRepliedSignal, 'unread', { message: 'About the refund.' });
      expect((await h.status()).flags).toContain(
        'a reply after the final response: read it (a new matter is a new complaint)',
      );
      await h.fact(m.customerRepliedSignal, 'unhappy', {
        message: 'This is not good enough.',
        sentiment: 'dissatisfied',
      });
      const s = await h.status();
      // No second cycle: no restarted eight weeks, no second "final response", no second six months.
      expect(s).toMatchObject({ stage: 'follow-up', reopenCount: 0 });
      expect(s.clocks.find((c) => c.clock === 'final-response')!.status).toBe('stopped');
      const [letter] = h.notifications('ombudsman-signpost');
      expect(letter).toBeDefined();
      const referBy = new Date(finalAt);
      referBy.setUTCMonth(referBy.getUTCMonth() + 6);
      expect(String(letter!.body)).toContain(instantInWords(referBy.toISOString(), 'en-GB', 'Europe/London'));
      expect(String(letter!.body)).toContain('Financial Ombudsman Service');
      expect(h.notifications('supervisor-alert').some((n) => String(n.subject).includes('dissatisfied'))).toBe(true);
      expect(h.lifecycle()).not.toContain('complaint.reopened');
    });
  });

  it('signposts on a low survey score and resolves with the score measured', async () => {
    await withComplaint(env, 'fca-signpost-score', GB, async (h) => {
      await toFollowUp(h);
      await h.fact(m.surveyRespondedSignal, 'survey-low', { score: 1, confirmed: true });
      const s = await h.status();
      expect(s).toMatchObject({ stage: 'resolved', reopenCount: 0, csat: 1 });
      expect(h.notifications('ombudsman-signpost')).toHaveLength(1);
    });
  });

  it('refuses "not upheld" after an apology that admitted fault', async () => {
    await withComplaint(env, 'fca-fault-not-upheld', GB, async (h) => {
      await listenOnCall(h, 'Charged twice');
      await h.act(m.apologiseUpdate, {
        actor: operator,
        text: 'We are sorry we charged you twice.',
        faultAdmitted: true,
      });
      await h.act(m.proposeRemedyUpdate, {
        actor: operator,
        kind: 'explanation',
        description: 'We explained the double charge',
      });
      const resolution = { actor: operator, response: 'final-response' as const, reasons: 'A billing error.' };
      await refused(
        h.act(m.resolveUpdate, { ...resolution, outcome: 'not-upheld' }),
        /outcome: the apology admitted fault, so the complaint is upheld or partly upheld/,
      );
      expect((await h.act(m.resolveUpdate, { ...resolution, outcome: 'upheld' })).stage).toBe('follow-up');
    });
  });
});

it('keeps the customer informed: a progress letter after four weeks without one, until the final response', async () => {
  await withComplaint(env, 'fca-progress-updates', GB, async (h) => {
    await h.sleep(27 * DAY);
    expect(h.notifications('progress-update')).toHaveLength(0);
    await h.sleep(2 * DAY); // day 29: four weeks after the acknowledgement
    const [first] = h.notifications('progress-update');
    expect(first).toBeDefined();
    const final = (await h.status()).clocks.find((c) => c.clock === 'final-response')!;
    expect(String(first!.body)).toContain(instantInWords(final.deadline, 'en-GB', 'Europe/London'));
    expect((await h.timeline()).filter((e) => e.action === 'progress-update-sent')).toHaveLength(1);

    // A letter of any kind moves the next update on: a question on day 35, so none on day 57.
    await h.sleep(6 * DAY);
    await h.act(m.askQuestionUpdate, { actor: operator, question: 'Which card was charged?' });
    await h.fact(m.customerRepliedSignal, 'card', { message: 'The debit card.' });
    await h.sleep(22 * DAY); // day 57
    expect(h.notifications('progress-update')).toHaveLength(1);
    await h.sleep(7 * DAY); // day 64: four weeks after the question
    expect(h.notifications('progress-update')).toHaveLength(2);
  });
});

it('sends the written letters by post or email, never by phone, and flags a customer with no written address', async () => {
  const { email: _email, ...noEmail } = customerIn('GB-ENG');
  await withComplaint(env, 'written-channel', { customer: noEmail, channel: 'phone' }, async (h) => {
    const [ack] = h.notifications('acknowledgement');
    expect(ack).toMatchObject({ channel: 'letter' });
    const s = await h.status();
    expect(s.flags.some((f) => f.startsWith('no written address'))).toBe(true);
    expect(h.notifications('supervisor-alert').some((n) => String(n.subject).includes('no written address'))).toBe(
      true,
    );
    // A question is no regulated letter: it goes the customer's way.
    await h.act(m.askQuestionUpdate, { actor: operator, question: 'When can we call you?' });
    expect(h.notifications('question')[0]).toMatchObject({ channel: 'phone' });
  });
});

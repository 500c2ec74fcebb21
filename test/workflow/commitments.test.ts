import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { instantInWords } from '../../domain/letters/date-words';
import * as m from '../../workflows/messages';
import { customerIn, operator, withComplaint, refused } from '../support/complaint-harness';
import { DAY, HOUR } from '../support/time';
import { createTimeSkippingEnv } from '../support/workflow-env';

/**
 * Every promise a clock (issue 13 part 5), on the time-skipping server: a commitment kept before its
 * instant stays kept; one missed escalates, alerts the supervisor and apologises to the customer with a
 * new date, which is itself a commitment; that one missed escalates again without a second apology.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const DE = { customer: customerIn('DE') };

it('misses a call-back: escalates, apologises with a new date once, and escalates again if that is missed', async () => {
  await withComplaint(env, 'commitment-missed', DE, async (h) => {
    const now = await h.time();
    await refused(
      h.act(m.addCommitmentUpdate, {
        actor: operator,
        kind: 'call-back',
        dueAt: new Date(now - HOUR).toISOString(),
        words: 'We will call you back this morning.',
        visibleToCustomer: true,
      }),
      /has passed/,
    );
    let s = await h.act(m.addCommitmentUpdate, {
      actor: operator,
      kind: 'call-back',
      dueAt: new Date(now + 2 * HOUR).toISOString(),
      words: 'We will call you on Tuesday at 10.',
      visibleToCustomer: true,
    });
    const made = s.commitments.find((c) => c.source === 'action')!;
    expect(made).toMatchObject({ kind: 'call-back', owner: 'agent-7', status: 'open' });
    expect(s.escalated).toBe(false);

    await h.sleep(3 * HOUR);
    s = await h.status();
    expect(s.escalated).toBe(true);
    expect(s.commitments.find((c) => c.commitmentId === made.commitmentId)?.status).toBe('missed');
    const next = s.commitments.find((c) => c.rescheduledFrom === made.commitmentId)!;
    expect(next).toMatchObject({ status: 'open', source: 'rescheduled', words: made.words });
    expect(Date.parse(next.dueAt)).toBeGreaterThan(Date.parse(made.dueAt));
    const apologies = h.notifications('commitment-apology');
    expect(apologies).toHaveLength(1);
    expect(String(apologies[0]!.body)).toContain('We will call you on Tuesday at 10.');
    expect(String(apologies[0]!.body)).toContain(instantInWords(next.dueAt, 'en-GB', 'Europe/Berlin'));
    expect(h.lifecycle()).toEqual(expect.arrayContaining(['complaint.commitment-made', 'complaint.commitment-missed']));
    expect(h.notifications('supervisor-alert').some((n) => String(n.subject).includes('commitment missed'))).toBe(true);

    // The new date missed too: escalated again, and no second apology (a person must make the next promise).
    await h.sleep(5 * DAY);
    s = await h.status();
    expect(s.commitments.find((c) => c.commitmentId === next.commitmentId)?.status).toBe('missed');
    expect(h.notifications('commitment-apology')).toHaveLength(1);
    expect((await h.timeline()).filter((e) => e.action === 'commitment-missed')).toHaveLength(2);
  });
});

it('keeps a commitment kept before its instant, and refuses to keep one twice', async () => {
  await withComplaint(env, 'commitment-kept', DE, async (h) => {
    const now = await h.time();
    let s = await h.act(m.addCommitmentUpdate, {
      actor: operator,
      kind: 'reply',
      dueAt: new Date(now + DAY).toISOString(),
      words: 'We will reply by Friday.',
      visibleToCustomer: true,
    });
    const { commitmentId } = s.commitments[0]!;
    s = await h.act(m.keepCommitmentUpdate, { actor: operator, commitmentId, note: 'Replied by email.' });
    expect(s.commitments[0]!.status).toBe('kept');
    await refused(h.act(m.keepCommitmentUpdate, { actor: operator, commitmentId }), /no open commitment/);
    await h.sleep(2 * DAY);
    s = await h.status();
    expect(s.commitments[0]!.status).toBe('kept');
    expect(h.notifications('commitment-apology')).toHaveLength(0);
    expect(h.lifecycle()).toContain('complaint.commitment-kept');
    expect(h.lifecycle()).not.toContain('complaint.commitment-missed');
  });
});

it('escalates a missed commitment the customer was never told of, and sends them no apology', async () => {
  await withComplaint(env, 'commitment-internal', DE, async (h) => {
    const now = await h.time();
    let s = await h.act(m.addCommitmentUpdate, {
      actor: operator,
      kind: 'other',
      dueAt: new Date(now + 2 * HOUR).toISOString(),
      words: 'Ask the warehouse for the courier scan.',
      visibleToCustomer: false,
    });
    const { commitmentId } = s.commitments[0]!;
    await h.sleep(3 * HOUR);
    s = await h.status();
    expect(s.commitments.find((c) => c.commitmentId === commitmentId)?.status).toBe('missed');
    expect(s.escalated).toBe(true);
    expect(h.notifications('supervisor-alert').some((n) => String(n.subject).includes('commitment missed'))).toBe(true);
    // No letter and no new date: the customer was never given this promise.
    expect(h.notifications('commitment-apology')).toHaveLength(0);
    expect(s.commitments.filter((c) => c.rescheduledFrom === commitmentId)).toHaveLength(0);
    expect(
      h
        .notifications()
        .filter((n) => n.channel !== 'internal')
        .map((n) => n.kind),
    ).toEqual(['acknowledgement']);
  });
});

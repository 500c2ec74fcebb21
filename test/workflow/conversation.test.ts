import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ConversationEntry } from '../../domain/conversation';
import * as m from '../../workflows/messages';
import {
  customerIn,
  listenOnCall,
  operator,
  withComplaint,
  type ComplaintHarness,
  refused,
} from '../support/complaint-harness';
import { createTimeSkippingEnv } from '../support/workflow-env';

/**
 * The conversation and listening (issue 13 parts 1 and 2), on the time-skipping server with the real
 * workflow: every message in and out kept in order, listening completed by the customer's reply, and a
 * remedy answered against what the customer asked for.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const conversation = (h: ComplaintHarness) => h.handle.query(m.conversationQuery);
const shape = (e: ConversationEntry) => `${e.direction} ${e.kind}${e.kind === 'letter' ? `:${e.letter}` : ''}`;
const DE = { customer: customerIn('DE'), desiredOutcome: 'A refund of the second charge' };

it('keeps every message in order, completes listening on the customer’s reply, and weighs the remedy against what they asked for', async () => {
  await withComplaint(env, 'conversation', DE, async (h) => {
    await h.act(m.assignUpdate, { actor: operator, assignee: 'agent-7' });
    // Listening is the customer's to confirm: an agent's say-so needs the how.
    await refused(
      h.act(m.recordAccountUpdate, { actor: operator, account: 'Charged twice', confirmed: true }),
      /confirmedHow/,
    );
    await h.act(m.recordAccountUpdate, {
      actor: operator,
      account: 'You were charged twice in October.',
      confirmed: false,
    });
    expect((await h.status()).stage).toBe('listening');
    const letter = h.notifications('account-confirmation')[0]!;
    expect(String(letter.body)).toMatch(/Please reply to tell us whether this is right/);

    await h.fact(m.customerRepliedSignal, 'reply-1', { message: 'Yes, that is right.', confirmsAccount: true });
    let s = await h.status();
    expect(s.stage).toBe('apology');
    expect((await h.timeline()).map((e) => e.action)).toContain('account-confirmed');

    await h.act(m.addNoteUpdate, { actor: operator, text: 'Called the bank: the second charge is ours.' });
    await h.act(m.apologiseUpdate, {
      actor: operator,
      text: 'We are sorry we charged you twice.',
      faultAdmitted: true,
    });
    // The customer asked for a refund: the remedy must say whether it gives that, and why not if not.
    const credit = {
      actor: operator,
      kind: 'credit' as const,
      description: 'A credit of 30 GBP',
      amount: 30,
      currency: 'GBP',
    };
    await refused(h.act(m.proposeRemedyUpdate, credit), /meetsDesiredOutcome/);
    await refused(h.act(m.proposeRemedyUpdate, { ...credit, meetsDesiredOutcome: false }), /explanation/);
    s = await h.act(m.proposeRemedyUpdate, {
      ...credit,
      meetsDesiredOutcome: false,
      explanation: 'The charge was already reversed by your bank, so we add a credit for the trouble.',
    });
    // What the customer asked for sits beside the remedy in the status, for whoever weighs it.
    expect(s.remedy).toMatchObject({
      meetsDesiredOutcome: false,
      explanation: expect.stringContaining('reversed') as string,
      desiredOutcome: DE.desiredOutcome,
    });
    await h.fact(m.remedyFulfilledSignal, 'credited', { remedyId: s.remedy!.remedyId });
    s = await h.act(m.resolveUpdate, {
      actor: operator,
      response: 'final-response',
      outcome: 'upheld',
      reasons: 'Our billing run charged you twice.',
    });
    expect(s.remedy?.desiredOutcome).toBe(DE.desiredOutcome);
    // The explanation is the customer's to read, in the final response beside the remedy.
    const [final] = h.notifications('final-response');
    expect(String(final!.body)).toContain('What we are doing about it: A credit of 30 GBP');
    expect(String(final!.body)).toContain(
      'Why this is not what you asked for: The charge was already reversed by your bank, so we add a credit for the trouble.',
    );

    const { entries, dropped } = await conversation(h);
    expect(dropped).toBe(0);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries.map(shape)).toEqual([
      'in complaint',
      'out letter:acknowledgement',
      'out letter:account-confirmation',
      'in reply',
      'internal note',
      'out letter:apology',
      'out letter:final-response',
    ]);
    expect(entries[0]).toMatchObject({
      text: expect.stringContaining('charged twice') as string,
      desiredOutcome: DE.desiredOutcome,
    });
    expect(entries[3]).toMatchObject({ eventId: 'reply-1', text: 'Yes, that is right.', confirmsAccount: true });
    expect(entries[4]).toMatchObject({
      author: { id: 'agent-7', role: 'operator' },
      text: expect.stringContaining('bank') as string,
    });
    // The note never left: nothing was sent with its words, and the timeline says only that one exists.
    expect(JSON.stringify(h.notifications())).not.toContain('Called the bank');
    expect(JSON.stringify(await h.timeline())).not.toContain('Called the bank');
  });
});

it('lets an agent read a reply as the confirmation, but only a reply that came after the account was sent', async () => {
  await withComplaint(env, 'conversation-confirm', { customer: customerIn('DE') }, async (h) => {
    await h.fact(m.customerRepliedSignal, 'early-reply', { message: 'I was charged twice.' });
    await h.act(m.recordAccountUpdate, { actor: operator, account: 'Charged twice in October.', confirmed: false });
    await refused(
      h.act(m.confirmAccountUpdate, { actor: operator, replyId: 'early-reply' }),
      /came before the account/,
    );
    await refused(
      h.act(m.confirmAccountUpdate, { actor: operator, replyId: 'no-such-reply' }),
      /no reply no-such-reply/,
    );
    await h.fact(m.customerRepliedSignal, 'answer', { message: 'Yes, that is what happened.' });
    expect((await h.status()).stage).toBe('listening');
    const s = await h.act(m.confirmAccountUpdate, { actor: operator, replyId: 'answer' });
    expect(s.stage).toBe('apology');
    expect((await h.timeline()).find((e) => e.action === 'account-confirmed')?.detail).toMatch(
      /answer confirms the account/,
    );
  });
});

it('keeps a correction in listening, for the account to be recorded again', async () => {
  await withComplaint(env, 'conversation-correct', { customer: customerIn('DE') }, async (h) => {
    await h.act(m.recordAccountUpdate, { actor: operator, account: 'Charged once.', confirmed: false });
    await h.fact(m.customerRepliedSignal, 'no', { message: 'No: twice, not once.', confirmsAccount: false });
    const s = await h.status();
    expect(s.stage).toBe('listening');
    expect(s.waitingOnCustomer).toBe(false);
    expect((await h.timeline()).map((e) => e.action)).toContain('account-corrected');
  });
});

it('shows on the timeline why an agent completed listening without the customer’s reply', async () => {
  await withComplaint(env, 'conversation-on-a-call', { customer: customerIn('DE') }, async (h) => {
    const s = await listenOnCall(h, 'Charged twice in October.');
    expect(s.stage).toBe('apology');
    const recorded = (await h.timeline()).find((e) => e.action === 'account-recorded');
    expect(recorded).toMatchObject({
      actor: { id: 'agent-7', role: 'operator' },
      detail: 'confirmed by the customer without a written reply: on a call',
    });
  });
});

it('shows no desired outcome beside a remedy when the customer did not say one', async () => {
  await withComplaint(env, 'conversation-no-wish', { customer: customerIn('DE') }, async (h) => {
    await listenOnCall(h, 'Charged twice in October.');
    await h.act(m.skipApologyUpdate, { actor: operator, reason: 'Apologised on the call.' });
    const s = await h.act(m.proposeRemedyUpdate, {
      actor: operator,
      kind: 'explanation',
      description: 'Why it happened',
    });
    expect(s.remedy).toMatchObject({ kind: 'explanation' });
    expect(s.remedy).not.toHaveProperty('desiredOutcome');
  });
});

it('answers the page query with the status, timeline and conversation its three queries give', async () => {
  await withComplaint(env, 'page-query', DE, async (h) => {
    await h.act(m.assignUpdate, { actor: operator, assignee: 'agent-7' });
    await h.act(m.addNoteUpdate, { actor: operator, text: 'Called the customer back.' });
    const page = await h.handle.query(m.pageQuery);
    // The status's times left move with the clock: compared without them.
    const still = (s: m.ComplaintStatus) => ({
      ...s,
      clocks: s.clocks.map(({ deadline, clock }) => ({ deadline, clock })),
    });
    expect(still(page.status)).toEqual(still(await h.status()));
    expect(page.timeline).toEqual(await h.timeline());
    expect(page.conversation).toEqual(await conversation(h));
    expect(page.conversation.entries.map(shape)).toEqual(expect.arrayContaining(['in complaint', 'internal note']));
    expect(page.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['assigned']));
  });
});

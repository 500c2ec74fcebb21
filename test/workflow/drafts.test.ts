import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { withLetter } from '../../domain/drafts/check';
import { deploymentTemplates } from '../../platform/template-files';
import * as m from '../../workflows/messages';
import { operator, supervisor, withComplaint, type ComplaintHarness } from '../support/complaint-harness';
import { createTimeSkippingEnv } from '../support/workflow-env';

/**
 * Drafts checked before anything leaves (issue 13 §3), on the time-skipping server: a severe apology is
 * refused, drafted and held, approved by a supervisor, then sent exactly once; a mild one goes out and is
 * flagged; a decline's alternatives are checked too.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const refusal = async (p: Promise<unknown>): Promise<string> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((err as WorkflowUpdateFailedError).cause?.message);
};

const BLAME = 'We are sorry for the trouble, but this was your own fault for entering the wrong card number.';

async function toApology(h: ComplaintHarness): Promise<void> {
  await h.act(m.recordAccountUpdate, {
    actor: operator,
    account: 'Charged twice.',
    confirmed: true,
    confirmedHow: 'on a call',
  });
}

const draft = (
  h: ComplaintHarness,
  input: Record<string, unknown>,
  action: 'apologise' | 'proposeRemedy' = 'apologise',
) => h.handle.executeUpdate(m.draftUpdate, { args: [{ action, input, actor: operator }] });

describe('drafts', () => {
  it('refuses a severe draft, holds it, and sends it exactly once after a supervisor approved it', async () => {
    await withComplaint(env, 'draft-approval', {}, async (h) => {
      await toApology(h);
      const apology = { text: BLAME, faultAdmitted: false };

      // Sending it straight away is refused, with the finding named; nothing goes out.
      expect(await refusal(h.act(m.apologiseUpdate, { actor: operator, ...apology }))).toMatch(
        /supervisor's approval.*blame "this was your own fault" in text/,
      );
      expect(h.notifications('apology')).toHaveLength(0);

      // The draft: rendered for the customer, checked, held; still nothing sent.
      const report = await draft(h, apology);
      const letter = withLetter(report, deploymentTemplates()).letter;
      expect(report.severe).toBe(true);
      expect(letter?.body).toContain('Dear Ada Lovelace');
      expect(letter?.body).toContain(BLAME);
      expect(report.respect.map((f) => [f.field, f.category])).toContainEqual(['text', 'blame']);
      expect(h.notifications('apology')).toHaveLength(0);
      expect((await h.timeline()).map((e) => e.action)).toContain('draft-held');

      // An operator cannot approve; a supervisor can, once.
      expect(await refusal(h.act(m.ACTION_UPDATES.approveDraft, { actor: operator, draftId: report.draftId }))).toMatch(
        /only a supervisor/,
      );
      await h.act(m.ACTION_UPDATES.approveDraft, { actor: supervisor, draftId: report.draftId });
      expect(
        await refusal(h.act(m.ACTION_UPDATES.approveDraft, { actor: supervisor, draftId: report.draftId })),
      ).toMatch(/already approved/);

      // The approved text is sent; a different severe text is still refused.
      expect(
        await refusal(h.act(m.apologiseUpdate, { actor: operator, text: `${BLAME} Sorry.`, faultAdmitted: false })),
      ).toMatch(/supervisor's approval/);
      const sent = await h.act(m.apologiseUpdate, { actor: operator, ...apology });
      expect(sent.stage).toBe('remedy');
      expect(h.notifications('apology')).toHaveLength(1);
      expect(String(h.notifications('apology')[0]!.body)).toContain(BLAME);
    });
  });

  it('sends an approved draft once: the same text again is refused', async () => {
    await withComplaint(env, 'draft-once', {}, async (h) => {
      await toApology(h);
      await h.act(m.apologiseUpdate, { actor: operator, text: 'We are sorry.', faultAdmitted: true });
      const question = { question: 'You should have read the terms. Which card did you use?' };
      const report = await h.handle.executeUpdate(m.draftUpdate, {
        args: [{ action: 'askQuestion', input: question, actor: operator }],
      });
      expect(report.severe).toBe(true);
      await h.act(m.ACTION_UPDATES.approveDraft, { actor: supervisor, draftId: report.draftId });
      await h.act(m.askQuestionUpdate, { actor: operator, ...question });
      expect(await refusal(h.act(m.askQuestionUpdate, { actor: operator, ...question }))).toMatch(/already sent/);
      expect(
        await refusal(h.act(m.ACTION_UPDATES.approveDraft, { actor: supervisor, draftId: report.draftId })),
      ).toMatch(/already/);
      expect(h.notifications('question')).toHaveLength(1);
    });
  });

  it('sends a mild finding and flags it; flags a decline alternative', async () => {
    await withComplaint(env, 'draft-mild', {}, async (h) => {
      await toApology(h);
      // Sarcasm is mild: sent, and on the timeline.
      await h.act(m.apologiseUpdate, {
        actor: operator,
        text: 'Obviously we are sorry for the delay.',
        faultAdmitted: false,
      });
      expect(h.notifications('apology')).toHaveLength(1);
      const apology = (await h.timeline()).find((e) => e.action === 'apology-sent');
      expect(apology?.flags?.join(' ')).toContain('sarcasm "Obviously"');
      const alternative = 'Calm down and try the app.';
      const decline = {
        kind: 'decline',
        description: 'We cannot refund a fee that was charged correctly.',
        alternatives: [alternative],
      };
      const report = await draft(h, decline, 'proposeRemedy');
      expect(report.respect.map((f) => [f.field, f.category])).toEqual([['alternatives.0', 'dismissal']]);
      await h.act(m.ACTION_UPDATES.approveDraft, { actor: supervisor, draftId: report.draftId });
      await h.act(m.proposeRemedyUpdate, { actor: operator, ...decline } as m.ProposeRemedyInput);
      const proposed = (await h.timeline()).find((e) => e.action === 'remedy-proposed');
      expect(proposed?.flags?.join(' ')).toContain('dismissal "Calm down"');
    });
  });
});

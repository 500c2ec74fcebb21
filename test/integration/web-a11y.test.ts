import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { QUEUE_VIEWS } from '../../store/workspace';
import { axeViolations, type Violation } from '../support/axe';
import { VIEWPORTS } from '../support/browser';
import { reloadUntil, startWebStack, type WebStack } from '../support/web-stack';
import { waitUntil } from '../support/wait';

/**
 * axe-core's WCAG 2.1 A and AA rules (contrast included) on every page, at the laptop and the phone
 * width, in Debian's Chromium under the pages' own Content-Security-Policy: the sign-in, each queue, a
 * complaint with a conversation (the complaint and its acknowledgement letter) and a held draft, the
 * dashboard and the reports. No rule is disabled: any violation fails, listed with its elements.
 */
const run = randomUUID().slice(0, 8);
const held = `a11y-${run}`;
const other = `a11y-o-${run}`;
let w: WebStack;

beforeAll(async () => {
  w = await startWebStack('a11y');
  await w.submit(held, 'Statement wrong', { id: `cust-a-${run}` });
  await w.submit(other, 'Card refused', { id: `cust-b-${run}` });
  const account = await w.call('operator', 'POST', `/complaints/${held}/account`, {
    account: 'The statement was wrong.',
    confirmed: true,
    confirmedHow: 'on a call',
  });
  expect(account.status).toBe(200);
  // Blames the customer: the respect check holds the draft for a supervisor.
  const draft = await w.call('operator', 'POST', `/complaints/${held}/drafts`, {
    action: 'apologise',
    input: { text: 'We are sorry, but you should have checked the statement first.', faultAdmitted: false },
  });
  expect(draft.status).toBe(200);
  await waitUntil('the store has the held draft and the acknowledgement letter', async () => {
    const { rows } = await w.db.query<{ held_drafts: number; letters: number }>(
      `SELECT held_drafts, (SELECT count(*)::int FROM complaint_letters l WHERE l.complaint_id = c.complaint_id) AS letters
       FROM complaints c WHERE complaint_id = $1`,
      [held],
    );
    return (rows[0]?.held_drafts ?? 0) > 0 && (rows[0]?.letters ?? 0) > 0;
  });
}, 120_000);

afterAll(async () => {
  await w?.stop();
});

/** Every violation at both widths, labelled with the page and the width. */
async function checkBothWidths(page: Page, name: string): Promise<Array<Violation & { where: string }>> {
  const found: Array<Violation & { where: string }> = [];
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    for (const v of await axeViolations(page)) found.push({ ...v, where: `${name} at ${label}` });
  }
  return found;
}

it('finds no WCAG 2.1 A/AA violation on the sign-in page', async () => {
  const context = await w.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${w.base}/ui/sign-in`);
  expect(await checkBothWidths(page, 'sign-in')).toEqual([]);
  await context.close();
});

it('finds none on any queue', async () => {
  const { context, page } = await w.signIn('operator');
  await page.goto(`${w.base}/ui/queue?view=open`);
  await reloadUntil(page, `tr[data-complaint="${other}"]`);
  const found = [];
  for (const view of QUEUE_VIEWS) {
    await page.goto(`${w.base}/ui/queue?view=${view}`);
    found.push(...(await checkBothWidths(page, `queue ${view}`)));
  }
  expect(found).toEqual([]);
  await context.close();
}, 60_000);

it('finds none on a complaint with a conversation and a held draft, for an operator and a supervisor', async () => {
  const found = [];
  for (const role of ['operator', 'supervisor'] as const) {
    const { context, page } = await w.signIn(role);
    await page.goto(`${w.base}/ui/complaints/${held}`);
    expect(await page.locator('article.held-draft').count()).toBe(1);
    expect(await page.locator('ol.conversation > li').count()).toBeGreaterThanOrEqual(2);
    // An action's box open, as a person working it has it: its form is checked too.
    await page.locator('#action-addNote > summary').click();
    found.push(...(await checkBothWidths(page, `complaint (${role})`)));
    await context.close();
  }
  expect(found).toEqual([]);
}, 60_000);

it('finds none on the dashboard and the reports', async () => {
  const { context, page } = await w.signIn('supervisor');
  await page.goto(`${w.base}/ui/dashboard`);
  const found = await checkBothWidths(page, 'dashboard');
  await page.goto(`${w.base}/ui/reports`);
  found.push(...(await checkBothWidths(page, 'reports')));
  expect(found).toEqual([]);
  await context.close();
});

import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { CONTENT_SECURITY_POLICY } from '../../clients/web/pages';
import { hashPassword } from '../../clients/web/users';
import { getComplaint } from '../../store/queries';
import { screenshots } from '../support/browser';
import { flashOf as flash, openAction, reloadUntil, startWebStack, type WebStack } from '../support/web-stack';
import { waitUntil } from '../support/wait';

/**
 * The people's pages in a real browser (Debian's Chromium, headless), against the real API, worker,
 * Temporal dev server, Kafka and the store fed by the projector: an operator works a complaint from the
 * at-risk queue to a remedy waiting for approval, a supervisor approves it from the dashboard, an
 * auditor sees no buttons, a summary made of markup renders as text, and a form without its CSRF token
 * is refused. Screenshots of each page at 1280×800 and 390×844 go to test-output/web.
 */
const run = randomUUID().slice(0, 8);
const worked = `web-${run}`;
const hostile = `web-x-${run}`;
const drafted = `web-d-${run}`;
const USER_PASSWORD = `pw-${randomUUID()}`;
/** Blames the customer: the respect check holds it for a supervisor (as test/integration/drafts.test.ts). */
const BLAME = 'We are sorry, but you should have checked the statement first.';
const HOSTILE_SUMMARY = '<script>alert(1)</script>';
let w: WebStack;
let base: string;
let keys: WebStack['keys'];
let signIn: WebStack['signIn'];

beforeAll(async () => {
  // A configured user (REDRESS_WEB_USERS, as a deployment sets it), read when the pages are registered.
  w = await startWebStack('web', { env: { REDRESS_WEB_USERS: `web-ada:operator:${await hashPassword(USER_PASSWORD)}` } });
  ({ base, keys, signIn } = w);
  await w.submit(worked, 'Charged twice for October');
  await w.submit(hostile, HOSTILE_SUMMARY);
  // The contact centre already knows this customer is in vulnerable circumstances (FCA FG21/1).
  await w.submit(drafted, 'Statement wrong', {
    id: `cust-d-${run}`,
    vulnerability: { drivers: ['life-event'], needs: 'recently bereaved: calls, not letters' },
  });
  await waitUntil('the store has the complaints', async () =>
    Boolean(
      (await getComplaint(w.db, worked)) && (await getComplaint(w.db, hostile)) && (await getComplaint(w.db, drafted)),
    ),
  );
}, 120_000);

afterAll(async () => {
  await w?.stop();
});

it('lets an operator work a complaint from the at-risk queue to a remedy awaiting approval', async () => {
  const { context, page } = await signIn('operator');
  const cookie = (await context.cookies()).find((c) => c.name === 'redress_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

  // The default queue is "at risk": a new complaint's first-response clock runs out within 48 hours.
  await expect(page.locator('.tabs a[aria-current="page"]').textContent()).resolves.toBe('At risk');
  await reloadUntil(page, `tr[data-complaint="${worked}"]`);
  const row = page.locator(`tr[data-complaint="${worked}"]`);
  await expect(row.locator('td').nth(2).textContent()).resolves.toBe('acknowledged');
  await screenshots(page, 'queue');
  // The countdown is live: moved to 90 s from now, app.js rewrites its words within a second.
  const countdown = `tr[data-complaint="${worked}"] .countdown`;
  await expect(page.locator(countdown).textContent()).resolves.toMatch(/^\d+ h \d+ min$/);
  // By a function, not a string: the page's policy forbids evaluating strings, the test's included.
  await page
    .locator(countdown)
    .evaluate(
      (el: { setAttribute(name: string, value: string): void }, at: string) => el.setAttribute('data-deadline', at),
      new Date(Date.now() + 90_000).toISOString(),
    );
  await waitUntil(
    'app.js to rewrite the countdown',
    async () => /^1 min \d+ s$/.test((await page.locator(countdown).textContent()) ?? ''),
    5_000,
    100,
  );

  await row.getByRole('link', { name: worked }).click();
  await page.waitForURL(new RegExp(`/ui/complaints/${worked}$`));

  // A workflow refusal is shown beside its form: reassigning needs a supervisor.
  let form = await openAction(page, 'assign');
  await form.getByLabel('Assignee').fill('agent-7');
  await form.getByRole('button').click();
  await expect(flash(page).textContent()).resolves.toMatch(/^Done: assign/);
  form = await openAction(page, 'assign');
  await form.getByLabel('Assignee').fill('agent-8');
  await form.getByRole('button').click();
  await expect(page.locator('main .flash.refused').textContent()).resolves.toMatch(/supervisor/);
  await expect(page.locator('#action-assign').getAttribute('open')).resolves.not.toBeNull();

  form = await openAction(page, 'recordAccount');
  await form.getByLabel('Account').fill('I was charged twice for my October bill.');
  await form.getByLabel('Confirmed', { exact: true }).selectOption('true');
  await form.getByLabel(/Confirmed how/).fill('read back on a call');
  await form.getByRole('button').click();
  await expect(flash(page).textContent()).resolves.toMatch(/now in apology/);

  // A promise becomes a commitment with its due instant, listed on the page.
  form = await openAction(page, 'addCommitment');
  await form.getByLabel('Kind').selectOption('call-back');
  await form.getByLabel(/^Due at/).fill(new Date(Date.now() + 2 * 86_400_000).toISOString());
  await form.getByLabel(/^Words/).fill('We will call you on Friday at 10.');
  await form.getByLabel(/^Visible to customer/).selectOption('true');
  await form.getByRole('button').click();
  await expect(flash(page).textContent()).resolves.toMatch(/^Done: make a commitment/);
  await expect(page.locator('#main section[aria-labelledby="h-commitments"]').textContent()).resolves.toContain(
    'We will call you on Friday at 10.',
  );

  form = await openAction(page, 'apologise');
  await form.getByLabel('Text').fill('We are sorry: we charged you twice.');
  await form.getByLabel('Fault admitted').selectOption('true');
  await form.getByRole('button', { name: 'Apologise' }).click();
  await expect(flash(page).textContent()).resolves.toMatch(/now in remedy/);

  // The registry's schema refuses a refund without an amount: the field says so, the text typed stays.
  form = await openAction(page, 'proposeRemedy');
  await form.getByLabel('Kind').selectOption('refund');
  await form.getByLabel('Description').fill('Refund of the second charge');
  await form.getByRole('button', { name: /^Propose a remedy/ }).click();
  await expect(page.locator('#action-proposeRemedy .field-error').first().textContent()).resolves.toMatch(/amount/);
  form = page.locator('#action-proposeRemedy form');
  await expect(form.getByLabel('Description').inputValue()).resolves.toBe('Refund of the second charge');
  await form.getByLabel(/^Amount/).fill('300');
  await form.getByLabel(/^Currency/).fill('GBP');
  await form.getByRole('button', { name: /^Propose a remedy/ }).click();
  await expect(flash(page).textContent()).resolves.toMatch(/remedy awaiting-approval/);
  await expect(page.locator('.remedy-status').textContent()).resolves.toBe('awaiting-approval');
  await screenshots(page, 'complaint');
  await context.close();
}, 90_000);

it('lets a supervisor approve the remedy from the dashboard', async () => {
  const { context, page } = await signIn('supervisor');
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.waitForURL(/\/ui\/dashboard$/);
  const row = `#main tr[data-complaint="${worked}"]`;
  await reloadUntil(page, row);
  await screenshots(page, 'dashboard');
  const form = page.locator(row).getByRole('form', { name: `Approve the remedy of ${worked}` });
  await form.getByLabel('Reason').fill('Our billing error');
  await form.getByRole('button').click();
  await page.waitForURL(/\/ui\/dashboard/);
  await expect(flash(page).textContent()).resolves.toMatch(/remedy requested/);
  const status = await fetch(`${base}/complaints/${worked}`, { headers: { authorization: `Bearer ${keys.auditor}` } });
  await expect(status.json()).resolves.toMatchObject({ remedy: { status: 'requested', approvedBy: 'it-supervisor' } });

  await page.getByRole('link', { name: 'Reports' }).click();
  await screenshots(page, 'reports');
  const csv = await context.request.get(`${base}/ui/reports/breaches.csv`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  expect((await csv.text()).split(/\r?\n/)[0]).toBe('regime,clock,clocks,breached,breach_rate');
  await context.close();
}, 60_000);

it('shows an auditor the complaint and the dashboard without a single action', async () => {
  const { context, page } = await signIn('auditor', 'keyboard');
  await page.goto(`${base}/ui/complaints/${worked}`);
  // The first Tab reaches the skip link, which moves the focus to the main content.
  await page.keyboard.press('Tab');
  expect(await page.locator('a.skip:focus').count()).toBe(1);
  await page.keyboard.press('Enter');
  expect(await page.locator('main:focus').count()).toBe(1);
  await expect(page.locator('main h1').textContent()).resolves.toBe(`Complaint ${worked}`);
  await expect(page.locator('main .words').first().textContent()).resolves.toMatch(/charged twice/);
  expect(await page.locator('main form').count()).toBe(0);
  expect(await page.locator('main button').count()).toBe(0);
  await page.goto(`${base}/ui/dashboard`);
  expect(await page.locator('main form').count()).toBe(0);
  // The action route itself refuses the role, whatever a page shows.
  const csrf = await page.locator('header input[name="_csrf"]').inputValue();
  const refused = await context.request.post(`${base}/ui/complaints/${worked}/actions/addNote`, {
    form: { _csrf: csrf, text: 'an auditor writing' },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(403);
  await context.close();
});

it('renders a summary made of markup as text, under a policy that forbids inline script', async () => {
  const { context, page } = await signIn('operator');
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const res = await page.goto(`${base}/ui/complaints/${hostile}`);
  expect(res?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  await expect(page.locator('main .summary').textContent()).resolves.toBe(HOSTILE_SUMMARY);
  // The only script element is the app's own file.
  expect(await page.locator('script').count()).toBe(1);
  await expect(page.locator('script').getAttribute('src')).resolves.toBe('/ui/static/app.js');
  expect(dialogs).toEqual([]);
  await context.close();
});

it('refuses a form without its CSRF token, and accepts the same form with it', async () => {
  const { context, page } = await signIn('operator');
  const url = `${base}/ui/complaints/${worked}/actions/addNote`;
  const without = await context.request.post(url, { form: { text: 'a note' }, maxRedirects: 0 });
  expect(without.status()).toBe(403);
  const wrong = await context.request.post(url, { form: { _csrf: 'not-the-token', text: 'a note' }, maxRedirects: 0 });
  expect(wrong.status()).toBe(403);
  await page.goto(`${base}/ui/complaints/${worked}`);
  const csrf = await page.locator('#action-addNote input[name="_csrf"]').inputValue();
  const withToken = await context.request.post(url, { form: { _csrf: csrf, text: 'a note' }, maxRedirects: 0 });
  expect(withToken.status()).toBe(303);

  // Signed out, the session is gone: its cookie no longer opens a page.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/ui\/sign-in$/);
  await page.goto(`${base}/ui/queue`);
  expect(new URL(page.url()).pathname).toBe('/ui/sign-in');
  await context.close();
});

it('checks a draft before sending, holds the severe one in its queue, and a supervisor approves it from the page', async () => {
  const account = await fetch(`${base}/complaints/${drafted}/account`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.operator}`, 'content-type': 'application/json' },
    body: JSON.stringify({ account: 'The statement was wrong.', confirmed: true, confirmedHow: 'on a call' }),
  });
  expect(account.status).toBe(200);
  const operator = await signIn('operator');
  let page = operator.page;
  await page.goto(`${base}/ui/complaints/${drafted}`);
  // Intake's flag, with its driver and what the customer needs, on the complaint; the flag alone in lists.
  await expect(page.locator('.vulnerability').textContent()).resolves.toMatch(/life-event: recently bereaved/);
  let form = await openAction(page, 'apologise');
  await form.getByLabel('Text').fill(BLAME);
  await form.getByLabel('Fault admitted').selectOption('false');
  await form.getByRole('button', { name: 'Check the draft' }).click();
  await page.waitForURL(new RegExp(`/ui/complaints/${drafted}#action-apologise$`));
  const report = page.locator('#action-apologise .draft-report');
  await expect(report.textContent()).resolves.toMatch(/Held for a supervisor/);
  await expect(report.locator('.findings li.bad').first().textContent()).resolves.toMatch(/blame.*you should have/s);
  // What was typed stays in the form, and nothing was sent: still in apology.
  await expect(page.locator('#action-apologise form').getByLabel('Text').inputValue()).resolves.toBe(BLAME);
  await expect(page.locator('dl.facts dd').first().textContent()).resolves.toBe('apology');
  const held = page.locator('article.held-draft');
  expect(await held.count()).toBe(1);
  await expect(held.textContent()).resolves.toMatch(/Waiting for a supervisor's approval/);
  // Sending the held text as it is (the box is still open, with it): the workflow refuses, beside the form.
  form = page.locator('#action-apologise form');
  await form.getByRole('button', { name: 'Apologise' }).click();
  await expect(page.locator('main .flash.refused').textContent()).resolves.toMatch(/needs a supervisor's approval/);

  // The queue of held drafts, from the store: the row shows the held draft and the vulnerable flag.
  await page.goto(`${base}/ui/queue?view=held-drafts`);
  await reloadUntil(page, `tr[data-complaint="${drafted}"]`);
  const flags = await page.locator(`tr[data-complaint="${drafted}"] .flag`).allTextContents();
  expect(flags).toEqual(expect.arrayContaining(['vulnerable', 'draft held']));
  expect(await page.locator(`tr[data-complaint="${worked}"]`).count()).toBe(0);
  await screenshots(page, 'held-drafts');
  await operator.context.close();

  const supervisor = await signIn('supervisor');
  page = supervisor.page;
  await page.goto(`${base}/ui/complaints/${drafted}`);
  await screenshots(page, 'held-draft');
  await page.getByRole('form', { name: 'Approve this draft' }).getByRole('button').click();
  await expect(flash(page).textContent()).resolves.toMatch(/^Done: approve a held draft/i);
  await expect(page.locator('article.held-draft').textContent()).resolves.toMatch(/Approved by it-supervisor/);
  await page.getByRole('form', { name: 'Send the approved text' }).getByRole('button').click();
  await expect(flash(page).textContent()).resolves.toMatch(/now in remedy/);
  expect(await page.locator('article.held-draft').count()).toBe(0);
  await supervisor.context.close();
}, 90_000);

it('records vulnerable circumstances through the registry-derived form, and the queue filters on the flag', async () => {
  const { context, page } = await signIn('operator');
  await page.goto(`${base}/ui/complaints/${hostile}`);
  const form = await openAction(page, 'recordVulnerability');
  await form.getByLabel('Vulnerable', { exact: true }).selectOption('true');
  await form.getByLabel(/^Drivers/).fill('health');
  await form.getByLabel(/^Needs/).fill('large print');
  await form.getByRole('button').click();
  await expect(flash(page).textContent()).resolves.toMatch(/^Done: record vulnerable circumstances/);
  await expect(page.locator('.vulnerability').textContent()).resolves.toMatch(/health: large print/);
  await page.goto(`${base}/ui/queue?view=open&vulnerable=yes`);
  await reloadUntil(page, `tr[data-complaint="${hostile}"]`);
  expect(await page.locator(`tr[data-complaint="${worked}"]`).count()).toBe(0);
  // The store holds the flag, never the driver or the needs.
  const row = await w.db.query<Record<string, unknown>>('SELECT * FROM complaints WHERE complaint_id = $1', [hostile]);
  expect(row.rows[0]).toMatchObject({ vulnerable: true });
  expect(JSON.stringify(row.rows[0])).not.toMatch(/health|large print/);
  await context.close();
});

it('signs a configured user in by username and password, never saying which half was wrong, and limits attempts', async () => {
  const context = await w.browser.newContext();
  const page = await context.newPage();
  const attempt = async (username: string, password: string) => {
    await page.goto(`${base}/ui/sign-in`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    return {
      status: res.status(),
      alert: await page
        .locator('[role="alert"]')
        .textContent()
        .catch(() => null),
    };
  };
  const wrong = await attempt('web-ada', `${USER_PASSWORD}x`);
  const unknown = await attempt(`nobody-${run}`, USER_PASSWORD);
  expect(wrong).toEqual({ status: 401, alert: 'That username and password do not match.' });
  expect(unknown).toEqual(wrong);
  await page.goto(`${base}/ui/sign-in`);
  await page.getByLabel('Username').fill('web-ada');
  await page.getByLabel('Password').fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/ui\/queue$/);
  await expect(page.locator('header .who').textContent()).resolves.toBe('web-ada (operator)');
  // Ten attempts a minute per username (a bucket that refills as time passes): guessing at one account is
  // soon refused before its password is checked, and never before the tenth attempt.
  const guessed = `guessed-${run}`;
  const statuses: number[] = [];
  while (statuses.length < 40 && !statuses.includes(429))
    statuses.push((await attempt(guessed, `g-${statuses.length}`)).status);
  expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(10);
  expect(statuses.filter((st) => st !== 401 && st !== 429)).toEqual([]);
  await context.close();
}, 90_000);

it('wrote a screenshot of every page at both sizes', () => {
  for (const name of ['queue', 'complaint', 'dashboard', 'reports', 'held-drafts', 'held-draft']) {
    for (const size of ['laptop-1280x800', 'phone-390x844']) {
      expect(statSync(`${__dirname}/../../test-output/web/${name}-${size}.png`).size).toBeGreaterThan(5_000);
    }
  }
});

import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { buildApi } from '../../clients/api/app';
import { ApiKeyStore, hashApiKey } from '../../config/api-keys';
import { SA } from '../../workflows/search-attributes';
import pino from 'pino';
import { getComplaint } from '../../store/queries';
import { listenLocally } from '../support/api-harness';
import { reloadUntil, startWebStack, type WebStack } from '../support/web-stack';
import { waitUntil } from '../support/wait';

/**
 * What the pages show, checked value by value in Chromium on the real stack: the queue's text search
 * and filters, the row flags (repeat, vulnerable, escalated) on the rows that have them only, the
 * dashboard's SVG trends against the store's data, the complaint page's conversation, timeline and
 * clocks (deadlines in the calendar's zone, time left), the dashboard's breach numbers each linking to a
 * queue of exactly that many complaints, and when the session cookie is `Secure`.
 */
const run = randomUUID().slice(0, 8);
const ids = {
  kettle: `v-k-${run}`,
  first: `v-1-${run}`,
  repeat: `v-r-${run}`,
  vulnerable: `v-v-${run}`,
  escalated: `v-e-${run}`,
};
const repeatCustomer = `cust-r-${run}`;
const DAY = 86_400_000;
const now = Date.now();
const startOfMonth = (back: number) => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1);
};
const monthOf = (back: number) => new Date(startOfMonth(back)).toISOString().slice(0, 7);
const startOfToday = Date.parse(new Date(now).toISOString().slice(0, 10));
const firstOfMonth = startOfToday === startOfMonth(0);
let w: WebStack;

/** Closed complaints as the projector would have left them (past months: no live complaint reaches them). */
async function seedHistory(): Promise<void> {
  const closed = [
    // id, resolved in month (back), csat, a breach at (ms)
    ['hist-a', 2, 2, startOfMonth(0) + DAY / 2],
    ['hist-b', 2, 4, startOfMonth(1) + DAY],
    ['hist-c', 1, null, null],
  ] as const;
  for (const [id, back, csat, breachAt] of closed) {
    const resolved = new Date(startOfMonth(back) + 3 * DAY).toISOString();
    await w.db.query(
      `INSERT INTO complaints (complaint_id, stage, regime, breached, received_at, updated_at, resolved_at, closed_at, csat)
       VALUES ($1, 'closed', 'fca-disp', $2, $3::timestamptz, $3::timestamptz, $3::timestamptz, $3::timestamptz, $4)`,
      [`${id}-${run}`, breachAt !== null, resolved, csat],
    );
    if (breachAt !== null)
      await w.db.query(
        `INSERT INTO complaint_breaches (event_id, complaint_id, clock, at) VALUES ($1, $2, 'final-response', $3::timestamptz)`,
        [`b-${id}-${run}`, `${id}-${run}`, new Date(Math.min(breachAt, now - 60_000)).toISOString()],
      );
  }
  // Deadline clocks decided two months and one month ago: 1 of 2 breached, then 1 of 1.
  const clocks = [
    ['hist-a', 'final-response', 2, true],
    ['hist-b', 'final-response', 2, false],
    ['hist-c', 'final-response', 1, true],
  ] as const;
  for (const [id, clock, back, breached] of clocks)
    await w.db.query(
      `INSERT INTO complaint_clocks (complaint_id, clock, kind, status, deadline, breached, met)
       VALUES ($1, $2, 'deadline', 'stopped', $3::timestamptz, $4, $5)`,
      [`${id}-${run}`, clock, new Date(startOfMonth(back) + 2 * DAY).toISOString(), breached, !breached],
    );
}

beforeAll(async () => {
  w = await startWebStack('web-views', { search: true });
  await seedHistory();
  await w.submit(ids.kettle, 'Refund missing for the broken kettle', { id: `cust-k-${run}` });
  await w.submit(ids.first, 'Late delivery', { id: repeatCustomer });
  await w.submit(ids.vulnerable, 'Card refused', {
    id: `cust-v-${run}`,
    vulnerability: { drivers: ['health'], needs: 'large print' },
  });
  await w.submit(ids.escalated, 'Wrong fee charged', { id: `cust-e-${run}` });
  // Intake finds the customer's other complaint through Temporal's visibility: wait until it shows there.
  await waitUntil('the first complaint is visible', async () => {
    const query = `${SA.customerId.name} = '${repeatCustomer}'`;
    for await (const _ of w.stack.client.workflow.list({ query })) return true;
    return false;
  });
  await w.submit(ids.repeat, 'Late delivery again', { id: repeatCustomer });
  expect(
    (await w.call('operator', 'POST', `/complaints/${ids.kettle}/assignment`, { assignee: 'agent-k' })).status,
  ).toBe(200);
  const escalation = await w.call('operator', 'POST', `/complaints/${ids.escalated}/escalation`, {
    reason: 'the customer asked for a manager',
  });
  expect(escalation.status).toBe(200);
  // Today's breach of a live complaint (the deadline engine cannot be made to miss one in a test's time).
  await w.db.query(
    `INSERT INTO complaint_breaches (event_id, complaint_id, clock, at) VALUES ($1, $2, 'first-response', $3::timestamptz)`,
    [`b-live-${run}`, ids.escalated, new Date(now - 60_000).toISOString()],
  );
  await waitUntil('the store has every complaint as acted on', async () => {
    const rows = await Promise.all(Object.values(ids).map((id) => getComplaint(w.db, id)));
    return rows.every(Boolean) && rows.some((r) => r?.escalated) && rows.some((r) => r?.assignee === 'agent-k');
  });
}, 180_000);

afterAll(async () => {
  await w?.stop();
});

const rowIds = (page: Page) =>
  page
    .locator('main table tbody tr[data-complaint]')
    .evaluateAll((rows: Array<{ getAttribute(n: string): string | null }>) =>
      rows.map((r) => r.getAttribute('data-complaint')),
    );
const ours = async (page: Page) => (await rowIds(page)).filter((id) => id?.endsWith(run)).sort();

it('finds a complaint by words of its summary, and each filter narrows the queue', async () => {
  const { context, page } = await w.signIn('operator');
  await page.goto(`${w.base}/ui/queue?view=open`);
  await reloadUntil(page, `tr[data-complaint="${ids.repeat}"]`);
  expect(await ours(page)).toEqual(Object.values(ids).sort());
  await page.getByLabel('Words in the summary').fill('KETTLE broken');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/search=KETTLE/);
  expect(await ours(page)).toEqual([ids.kettle]);
  await page.getByLabel('Words in the summary').fill('late delivery');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/search=late/);
  expect(await ours(page)).toEqual([ids.first, ids.repeat].sort());
  // Words and a filter together: the assignee narrows the search's two to none, then clearing the words…
  await page.getByLabel('Assignee').fill('agent-k');
  await page.getByRole('button', { name: 'Filter' }).click();
  expect(await ours(page)).toEqual([]);
  await page.getByLabel('Words in the summary').fill('');
  await page.getByRole('button', { name: 'Filter' }).click();
  expect(await ours(page)).toEqual([ids.kettle]);
  await page.goto(`${w.base}/ui/queue?view=open&vulnerable=yes`);
  expect(await ours(page)).toEqual([ids.vulnerable]);
  await page.goto(`${w.base}/ui/queue?view=unassigned`);
  expect(await ours(page)).not.toContain(ids.kettle);
  await context.close();
}, 60_000);

it('shows the repeat, vulnerable and escalated flags on the rows that have them, and on no other', async () => {
  const { context, page } = await w.signIn('operator');
  await page.goto(`${w.base}/ui/queue?view=open`);
  await reloadUntil(page, `tr[data-complaint="${ids.escalated}"] .flag`);
  const flags = async (id: string) =>
    (await page.locator(`tr[data-complaint="${id}"] .flag`).allTextContents()).filter((f) =>
      ['repeat', 'vulnerable', 'escalated'].includes(f),
    );
  expect(await flags(ids.repeat)).toEqual(['repeat']);
  expect(await flags(ids.vulnerable)).toEqual(['vulnerable']);
  expect(await flags(ids.escalated)).toEqual(['escalated']);
  expect(await flags(ids.first)).toEqual([]);
  expect(await flags(ids.kettle)).toEqual([]);
  await context.close();
});

it('draws the CSAT and breach-rate trends as SVG with a point a month of data, named for screen readers', async () => {
  const { context, page } = await w.signIn('supervisor');
  await page.goto(`${w.base}/ui/dashboard`);
  const csat = page.getByRole('img', { name: /^Mean CSAT by month/ });
  expect(await csat.count()).toBe(1);
  // hist-a and hist-b resolved two months ago (2 and 4: mean 3.00); hist-c a month ago without an answer.
  await expect(csat.locator('desc').textContent()).resolves.toContain(`${monthOf(2)}: 3.00; ${monthOf(1)}: no answers`);
  expect(await csat.locator('circle').count()).toBe(1);
  expect(await csat.locator('polyline').count()).toBe(1);
  const rate = page.getByRole('img', { name: /^Breach rate by month/ });
  await expect(rate.locator('desc').textContent()).resolves.toContain(`${monthOf(2)}: 50%; ${monthOf(1)}: 100%`);
  // This month may hold the live complaints' decided clocks: the points are the months with any.
  const monthsWithClocks = (await page.locator('.card').nth(1).locator('tbody tr').allInnerTexts()).filter(
    (r) => r.split('\t')[1] !== '0',
  ).length;
  expect(monthsWithClocks).toBeGreaterThanOrEqual(2);
  expect(await rate.locator('circle').count()).toBe(monthsWithClocks);
  // Two consecutive months (or three, with this one) make one line; the y axis spans 0–100 %.
  expect(await rate.locator('polyline').count()).toBe(1);
  await expect(rate.locator('text').allTextContents()).resolves.toEqual(expect.arrayContaining(['0%', '50%', '100%']));
  await context.close();
});

it('shows the conversation, the timeline and each clock with its deadline in the calendar’s zone and time left', async () => {
  const { context, page } = await w.signIn('operator');
  const id = ids.escalated;
  await page.goto(`${w.base}/ui/complaints/${id}`);
  const status = (await w.call('operator', 'GET', `/complaints/${id}`)).json as {
    clocks: Array<{ clock: string; status: string; deadline: string }>;
  };
  // The fixture's customer is in GB-ENG: the calendar's zone is London's, written out on the page.
  await expect(page.locator('main p.hint', { hasText: 'Times in' }).textContent()).resolves.toMatch(
    /Times in Europe\/London \(the GB-ENG calendar\)/,
  );
  const london = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  const clockRows = page.locator('section[aria-labelledby="h-clocks"] tbody tr');
  expect(await clockRows.count()).toBe(status.clocks.length);
  expect(status.clocks.length).toBeGreaterThan(0);
  for (const [i, c] of status.clocks.entries()) {
    const cells = await clockRows.nth(i).locator('th, td').allTextContents();
    expect(cells[0]).toMatch(new RegExp(`^${c.clock}`));
    expect(cells[2]).toBe(london.format(new Date(c.deadline)));
    expect(cells[2]).toMatch(/GMT|BST/);
  }
  const running = status.clocks.find((c) => c.status === 'running');
  expect(running).toBeDefined();
  // Time left, as the countdown words it ("23 h 58 min"), within a couple of minutes of the deadline's.
  const left = await page
    .locator('section[aria-labelledby="h-clocks"] tbody tr', { hasText: running!.clock })
    .locator('.countdown')
    .textContent();
  const [, d, h, m] = /^(?:(\d+) d )?(\d+) h(?: (\d+) min)?$/.exec(left ?? '') ?? [];
  const shownMs = Number(d ?? 0) * DAY + Number(h) * 3_600_000 + Number(m ?? 0) * 60_000;
  expect(Math.abs(Date.parse(running!.deadline) - Date.now() - shownMs)).toBeLessThan(65 * 60_000);

  // Every conversation entry in order (the complaint, then the acknowledgement letter with its text).
  await reloadUntil(page, 'ol.conversation li:nth-child(2)');
  const conversation = (await w.call('operator', 'GET', `/complaints/${id}/conversation`)).json as {
    entries: Array<{ kind: string; author: { id: string } }>;
  };
  const items = await page.locator('ol.conversation > li > p:first-child').allTextContents();
  expect(items.map((t) => t.trim().split(/\s+/)[0])).toEqual(conversation.entries.map((e) => e.kind));
  expect(items[0]).toContain('from');
  await expect(page.locator('ol.conversation > li').first().textContent()).resolves.toContain('I was charged twice');
  // The timeline's rows are the workflow's entries, in order, with who acted: the escalation by the operator.
  const timeline = (await w.call('operator', 'GET', `/complaints/${id}/timeline`)).json as {
    entries: Array<{ action: string; actor: { id: string; role: string } }>;
  };
  const rows = await page
    .locator('section[aria-labelledby="h-timeline"] tbody tr')
    .evaluateAll((trs: Array<{ querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }>) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())),
    );
  expect(rows.map((r) => r[2])).toEqual(timeline.entries.map((e) => e.action));
  expect(rows.map((r) => r[1])).toEqual(timeline.entries.map((e) => `${e.actor.id} (${e.actor.role})`));
  expect(rows.find((r) => r[2]?.includes('escalat'))?.[1]).toBe('it-operator (operator)');
  await context.close();
}, 60_000);

it('links each breach number to a queue of exactly the complaints it counts, closed ones included', async () => {
  const { context, page } = await w.signIn('supervisor');
  await page.goto(`${w.base}/ui/dashboard`);
  const today = Number(await page.locator('#n-breaches-today').textContent());
  const month = Number(await page.locator('#n-breaches-month').textContent());
  // Today: the live complaint (and hist-a when today is the 1st); this month: hist-a too; hist-b's was last month.
  expect([today, month]).toEqual([firstOfMonth ? 2 : 1, 2]);
  await page.locator('a:has(#n-breaches-today)').click();
  await page.waitForURL(/breachedSince=/);
  expect(await rowIds(page)).toHaveLength(today);
  expect(await rowIds(page)).toContain(ids.escalated);
  await page.goBack();
  await page.locator('a:has(#n-breaches-month)').click();
  await page.waitForURL(/breachedSince=/);
  expect((await rowIds(page)).sort()).toEqual([ids.escalated, `hist-a-${run}`].sort());
  expect(await rowIds(page)).toHaveLength(month);
  await expect(page.locator('#queue-heading').textContent()).resolves.toMatch(/breached since 1 .*closed included/s);
  // The same filter on the JSON list, validated as an instant.
  const since = new Date(startOfMonth(0)).toISOString();
  const listed = (await w.call('auditor', 'GET', `/complaints?breachedSince=${since}`)).json as {
    items: Array<{ complaintId: string; open: boolean }>;
  };
  expect(listed.items.map((i) => [i.complaintId, i.open]).sort()).toEqual(
    [
      [ids.escalated, true],
      [`hist-a-${run}`, false],
    ].sort(),
  );
  const bad = await w.call('auditor', 'GET', '/complaints?breachedSince=yesterday');
  expect(bad).toMatchObject({ status: 400, json: { details: [{ field: 'breachedSince' }] } });
  const offset = await w.call(
    'auditor',
    'GET',
    `/complaints?breachedSince=${encodeURIComponent('2026-12-01T00:00:00+19:00')}`,
  );
  expect(offset).toMatchObject({ status: 422, json: { details: [{ field: 'breachedSince' }] } });
  await context.close();
});

describe('the session cookie', () => {
  const apis: FastifyInstance[] = [];
  afterAll(async () => {
    for (const api of apis) await api.close();
  });
  /** Signs in over plain HTTP with these headers; the Set-Cookie of the form and of the session. */
  async function signInCookies(base: string, headers: Record<string, string> = {}): Promise<string[]> {
    const form = await fetch(`${base}/ui/sign-in`, { headers });
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const pre = form.headers.getSetCookie();
    const res = await fetch(`${base}/ui/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        ...headers,
        cookie: pre.map((c) => c.split(';')[0]).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: token, key: w.keys.operator }).toString(),
    });
    expect(res.status).toBe(303);
    return [...pre, ...res.headers.getSetCookie()];
  }
  const secureOf = (cookies: string[]) =>
    cookies.map((c) => [c.split('=')[0], /;\s*Secure(;|$)/i.test(c)] as const).filter(([n]) => n === 'redress_session');

  /** Another API process on the same stack and store, built with `env` set as a deployment would. */
  async function apiWith(opts: { trustProxy?: boolean }, env: Record<string, string> = {}): Promise<string> {
    Object.assign(process.env, env);
    try {
      const api = buildApi({
        config: w.stack.config,
        client: w.stack.client,
        logger: pino({ level: 'silent' }),
        keys: new ApiKeyStore([{ id: 'it-operator', role: 'operator', sha256: hashApiKey(w.keys.operator) }]),
        store: w.db,
        ...(opts.trustProxy ? { trustProxy: true } : {}),
      });
      apis.push(api);
      return await listenLocally(api);
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
    }
  }

  it('is not Secure over plain HTTP, even when an untrusted caller claims https', async () => {
    expect(secureOf(await signInCookies(w.base))).toEqual([['redress_session', false]]);
    expect(secureOf(await signInCookies(w.base, { 'x-forwarded-proto': 'https' }))).toEqual([
      ['redress_session', false],
    ]);
  });

  it('is Secure when a trusted proxy says the request came over TLS (REDRESS_API_TRUST_PROXY), and only then', async () => {
    const base = await apiWith({ trustProxy: true });
    expect(secureOf(await signInCookies(base, { 'x-forwarded-proto': 'https' }))).toEqual([['redress_session', true]]);
    expect(secureOf(await signInCookies(base))).toEqual([['redress_session', false]]);
  });

  it('is Secure over plain HTTP with REDRESS_WEB_SECURE_COOKIES=always', async () => {
    const base = await apiWith({}, { REDRESS_WEB_SECURE_COOKIES: 'always' });
    expect(secureOf(await signInCookies(base))).toEqual([['redress_session', true]]);
  });
});

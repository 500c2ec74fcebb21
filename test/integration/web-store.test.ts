import type { Db } from '../../store/db';
import { dashboardFigures, dashboardTrends, queuePage, type QueueView } from '../../store/workspace';
import { DRIVERS, freshStore } from '../support/store';

/** The pages' store queries (store/workspace.ts): each queue view, its keyset paging, and the dashboard's figures. */

const NOW = Date.parse('2026-12-02T12:00:00Z');
const H = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();

interface Row {
  id: string;
  stage?: string;
  assignee?: string | null;
  breached?: boolean;
  deadlineIn?: number | null;
  remedy?: string;
  regime?: string;
}
const ROWS: Row[] = [
  { id: 'a', assignee: 'alice', deadlineIn: 2 * H },
  { id: 'b', assignee: null, deadlineIn: 30 * H },
  { id: 'c', assignee: 'bob', deadlineIn: 100 * H, breached: true },
  { id: 'd', assignee: 'alice', deadlineIn: 5 * H, stage: 'remedy', remedy: 'awaiting-approval', regime: 'cfpb' },
  { id: 'e', assignee: null, deadlineIn: null },
  { id: 'f', assignee: 'alice', deadlineIn: 1 * H, stage: 'closed', breached: true },
];

async function insert(db: Db): Promise<void> {
  for (const r of ROWS) {
    await db.query(
      `INSERT INTO complaints (complaint_id, stage, regime, assignee, breached, next_deadline, remedy, received_at, updated_at, resolved_at, csat)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::jsonb, $8::timestamptz, $8::timestamptz, $9::timestamptz, $10)`,
      [
        r.id,
        r.stage ?? 'listening',
        r.regime ?? 'fca-disp',
        r.assignee ?? null,
        r.breached ?? false,
        r.deadlineIn === null || r.deadlineIn === undefined ? null : at(NOW + r.deadlineIn),
        r.remedy ? JSON.stringify({ status: r.remedy }) : null,
        at(NOW - 24 * H),
        r.stage === 'closed' ? at(NOW - 2 * H) : null,
        r.stage === 'closed' ? 4 : null,
      ],
    );
  }
  await db.query(
    `INSERT INTO complaint_breaches (event_id, complaint_id, clock, at) VALUES ('b1', 'c', 'first-response', $1::timestamptz),
       ('b2', 'f', 'final-response', $2::timestamptz)`,
    [at(NOW - H), at(Date.parse('2026-12-01T09:00:00Z'))],
  );
  await db.query(
    `INSERT INTO complaint_clocks (complaint_id, clock, kind, status, deadline, breached, met) VALUES
       ('f', 'final-response', 'deadline', 'stopped', $1::timestamptz, true, false),
       ('c', 'first-response', 'deadline', 'stopped', $1::timestamptz, false, true),
       ('a', 'first-response', 'deadline', 'running', $1::timestamptz, false, null)`,
    [at(NOW - 3 * H)],
  );
}

describe.each(DRIVERS)('the workspace queries on %s', (driver) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await freshStore(driver));
    await insert(db);
  });
  afterAll(() => close());

  const view = async (v: QueueView, extra: Partial<Parameters<typeof queuePage>[1]> = {}) =>
    (await queuePage(db, { view: v, me: 'alice', atRiskBy: at(NOW + 24 * H), filter: {}, limit: 10, ...extra })).map(
      (r) => r.complaintId,
    );

  it('answers each view with open complaints only, soonest deadline first, none last', async () => {
    expect(await view('open')).toEqual(['a', 'd', 'b', 'c', 'e']);
    expect(await view('mine')).toEqual(['a', 'd']);
    expect(await view('unassigned')).toEqual(['b', 'e']);
    expect(await view('at-risk')).toEqual(['a', 'd']);
    expect(await view('breached')).toEqual(['c']);
    expect(await view('awaiting-approval')).toEqual(['d']);
    expect(await view('open', { filter: { regime: 'cfpb' } })).toEqual(['d']);
  });

  it('queues the held drafts and filters on the vulnerable flag (migration 0004), open complaints only', async () => {
    await db.query(`UPDATE complaints SET held_drafts = 1 WHERE complaint_id IN ('b', 'f')`);
    await db.query(`UPDATE complaints SET vulnerable = true WHERE complaint_id IN ('c', 'e', 'f')`);
    try {
      expect(await view('held-drafts')).toEqual(['b']);
      expect(await view('open', { filter: { vulnerable: true } })).toEqual(['c', 'e']);
      expect(await view('unassigned', { filter: { vulnerable: true } })).toEqual(['e']);
      const rows = await queuePage(db, { view: 'open', me: 'x', atRiskBy: at(NOW), filter: {}, limit: 10 });
      expect(rows.find((r) => r.complaintId === 'b')).toMatchObject({ heldDrafts: 1, vulnerable: false });
      expect(rows.find((r) => r.complaintId === 'c')).toMatchObject({ heldDrafts: 0, vulnerable: true });
    } finally {
      await db.query('UPDATE complaints SET held_drafts = 0, vulnerable = false');
    }
  });

  it('counts the complaints that breached today and this month, closed ones too, and queues exactly those', async () => {
    // A second clock of c missed today: one complaint, counted once.
    await db.query(
      `INSERT INTO complaint_breaches (event_id, complaint_id, clock, at) VALUES ('b3', 'c', 'final-response', $1::timestamptz)`,
      [at(NOW - 2 * H)],
    );
    try {
      const d = await dashboardFigures(db, NOW);
      expect(d.breachesSince).toEqual({ today: '2026-12-02T00:00:00.000Z', month: '2026-12-01T00:00:00.000Z' });
      expect([d.breachesToday, d.breachesThisMonth]).toEqual([1, 2]);
      expect(await view('breached', { filter: { breachedSince: d.breachesSince.today } })).toEqual(['c']);
      // f closed after breaching on 1 December: in this month's, never in the open breached queue.
      expect(await view('breached', { filter: { breachedSince: d.breachesSince.month } })).toEqual(['f', 'c']);
      expect(await view('breached')).toEqual(['c']);
      expect(await view('mine', { filter: { breachedSince: d.breachesSince.month } })).toEqual(['f']);
      expect(await view('breached', { filter: { breachedSince: at(NOW) } })).toEqual([]);
    } finally {
      await db.query(`DELETE FROM complaint_breaches WHERE event_id = 'b3'`);
    }
  });

  it('pages by keyset, through the complaints without a deadline', async () => {
    const first = await queuePage(db, { view: 'open', me: 'x', atRiskBy: at(NOW), filter: {}, limit: 3 });
    const last = first[first.length - 1]!;
    expect(await view('open', { after: { nextDeadline: last.nextDeadline, complaintId: last.complaintId } })).toEqual([
      'c',
      'e',
    ]);
    expect(await view('open', { after: { nextDeadline: null, complaintId: 'd' } })).toEqual(['e']);
  });

  it('gives the dashboard’s figures, and months with no data as gaps', async () => {
    const d = await dashboardFigures(db, NOW);
    expect(d.openByStageAndRegime).toEqual([
      { stage: 'listening', regime: 'fca-disp', open: 4 },
      { stage: 'remedy', regime: 'cfpb', open: 1 },
    ]);
    expect(d.dueWithin24h).toBe(2);
    expect(d.breachesToday).toBe(1);
    expect(d.breachesThisMonth).toBe(2);
    expect(d.approvalsWaiting.map((r) => r.complaintId)).toEqual(['d']);
    expect(d.workload).toEqual([
      // The busiest first; the unassigned ahead of an agent with as many.
      { assignee: null, open: 2, breached: 0, dueWithin24h: 0 },
      { assignee: 'alice', open: 2, breached: 0, dueWithin24h: 2 },
      { assignee: 'bob', open: 1, breached: 1, dueWithin24h: 0 },
    ]);
    const t = await dashboardTrends(db, NOW, 3);
    expect(t.csatByMonth).toEqual([
      { month: '2026-10', answers: 0, mean: null },
      { month: '2026-11', answers: 0, mean: null },
      { month: '2026-12', answers: 1, mean: 4 },
    ]);
    expect(t.breachRateByMonth[2]).toEqual({ month: '2026-12', clocks: 2, breached: 1, rate: 0.5 });
  });
});

import type { Queryable } from './db';
import { filterSql, fromRow, type ComplaintFilter, type ListPosition } from './queries';

/**
 * What the people's pages read from the store (clients/web): the queues (the list's filters, plus the
 * views a person works from: mine, unassigned, awaiting approval, held drafts), and the supervisor's dashboard in a
 * few aggregate queries. Like the list, everything is open complaints in next-deadline order on the
 * indexes of migration 0001, so a queue page is an index range scan however many complaints are open.
 */

/** The queues a person works from. */
export const QUEUE_VIEWS = [
  'open',
  'mine',
  'unassigned',
  'at-risk',
  'breached',
  'awaiting-approval',
  'held-drafts',
] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

/** A complaint's row in a queue: what a person needs to choose what to work on next. */
export interface QueueRow {
  complaintId: string;
  stage: string;
  regime: string;
  region: string | null;
  severity: string | null;
  category: string | null;
  assignee: string | null;
  escalated: boolean;
  breached: boolean;
  /** Flagged as in vulnerable circumstances (the flag only; migration 0004). */
  vulnerable: boolean;
  /** Drafts the respect check holds for a supervisor. */
  heldDrafts: number;
  waitingOnCustomer: boolean;
  nextDeadline: string | null;
  repeatOf: string[];
  flagCount: number;
  remedyStatus: string | null;
  receivedAt: string;
}

const OPEN = `stage NOT IN ('closed', 'withdrawn')`;
const AWAITING = `remedy->>'status' = 'awaiting-approval'`;
const ROW_COLUMNS = `complaint_id, stage, regime, region, severity, category, assignee, escalated, breached, vulnerable, held_drafts, waiting_on_customer,
  next_deadline, repeat_of, flag_count, remedy->>'status' AS remedy_status, received_at`;

/**
 * One page of a queue: `view`'s complaints matching `filter`, open only (but with `breachedSince`), in
 * list order (next deadline, none last; id), after `after`. `me` is whose "mine" is; `atRiskBy` the instant "at risk" looks to.
 */
export async function queuePage(
  db: Queryable,
  q: { view: QueueView; me: string; atRiskBy: string; filter: ComplaintFilter; limit: number; after?: ListPosition },
): Promise<QueueRow[]> {
  const { where, params } = filterSql(q.filter);
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // "Breached since" is about a period, and a complaint that breached in it and closed since still
  // counts (the dashboard's breaches today and this month): that filter lifts the open-only rule, and in
  // the breached view it stands for the flag (which a row a moment behind the breaches may not show yet).
  const since = q.filter.breachedSince !== undefined;
  if (!since) where.push(OPEN);
  if (q.view === 'mine') where.push(`assignee = ${p(q.me)}`);
  if (q.view === 'unassigned') where.push('assignee IS NULL');
  if (q.view === 'at-risk') where.push(`next_deadline <= ${p(q.atRiskBy)}::timestamptz`);
  if (q.view === 'breached' && !since) where.push('breached');
  if (q.view === 'awaiting-approval') where.push(AWAITING);
  if (q.view === 'held-drafts') where.push('held_drafts > 0');
  const a = q.after;
  if (a && a.nextDeadline === null) where.push(`next_deadline IS NULL AND complaint_id > ${p(a.complaintId)}`);
  if (a && a.nextDeadline !== null) {
    const d = p(a.nextDeadline);
    where.push(
      `(next_deadline > ${d}::timestamptz OR (next_deadline = ${d}::timestamptz AND complaint_id > ${p(a.complaintId)})` +
        ' OR next_deadline IS NULL)',
    );
  }
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${ROW_COLUMNS} FROM complaints WHERE ${where.join(' AND ')}
     ORDER BY next_deadline ASC NULLS LAST, complaint_id ASC LIMIT ${p(q.limit)}`,
    params,
  );
  return rows.map((r) => fromRow<QueueRow>(r));
}

/** The dashboard's figures of the moment (DESIGN §7): each links to the queue behind it. */
export interface DashboardFigures {
  openByStageAndRegime: Array<{ stage: string; regime: string; open: number }>;
  dueWithin24h: number;
  /** Complaints (open or closed) that breached a deadline since the start of the UTC day, and of the month. */
  breachesToday: number;
  breachesThisMonth: number;
  /** The instants those periods begin at, for the links into the queue. */
  breachesSince: { today: string; month: string };
  approvalsWaiting: QueueRow[];
  workload: Array<{ assignee: string | null; open: number; breached: number; dueWithin24h: number }>;
}

/** The dashboard's trends, month by month (UTC), oldest first. */
export interface DashboardTrends {
  /** Mean CSAT of complaints resolved that month. */
  csatByMonth: Array<{ month: string; answers: number; mean: number | null }>;
  /** Deadline clocks decided whose deadline fell that month, and how many were breached. */
  breachRateByMonth: Array<{ month: string; clocks: number; breached: number; rate: number | null }>;
}

const startOfDay = (now: number) => new Date(new Date(now).toISOString().slice(0, 10) + 'T00:00:00Z');
const startOfMonth = (now: number, back = 0) => {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
};

/** Where the dashboard's "breached today" and "this month" begin (UTC): the queue links carry these instants. */
export const breachPeriods = (now: number): { today: string; month: string } => ({
  today: startOfDay(now).toISOString(),
  month: startOfMonth(now).toISOString(),
});

/** The months `[start of (now - months + 1), start of next month)`, as `YYYY-MM`. */
function monthsTo(now: number, months: number): string[] {
  return Array.from({ length: months }, (_, i) =>
    startOfMonth(now, months - 1 - i)
      .toISOString()
      .slice(0, 7),
  );
}

/**
 * The figures at `now`. Days and months are UTC (the store holds instants; a team spread over zones has
 * no one local midnight). Workload lists the `workloadLimit` busiest assignees; approvals the first
 * `approvalsLimit` waiting, by next deadline.
 */
export async function dashboardFigures(
  db: Queryable,
  now: number,
  opts: { workloadLimit?: number; approvalsLimit?: number } = {},
): Promise<DashboardFigures> {
  const in24h = new Date(now + 86_400_000).toISOString();
  // One pass over the open complaints for both groupings (stage × regime, and assignee): this is the
  // dashboard's one scan that grows with the number of open complaints.
  const groups = await db.query<{
    stage: string | null;
    regime: string | null;
    assignee: string | null;
    by_assignee: number;
    open: number;
    breached: number;
    due: number;
  }>(
    `SELECT stage, regime, assignee, (GROUPING(assignee) = 0)::int AS by_assignee,
       count(*)::int AS open, count(*) FILTER (WHERE breached)::int AS breached,
       count(*) FILTER (WHERE next_deadline <= $1::timestamptz)::int AS due
     FROM complaints WHERE ${OPEN} GROUP BY GROUPING SETS ((stage, regime), (assignee))`,
    [in24h],
  );
  // Complaints, not breach events (one complaint can miss two clocks in a day): the number a person
  // clicks is the number of rows the queue behind it shows (breachedSince, queuePage).
  const periods = breachPeriods(now);
  const breaches = await db.query<{ today: number; month: number }>(
    `SELECT count(DISTINCT complaint_id) FILTER (WHERE at >= $1::timestamptz)::int AS today,
       count(DISTINCT complaint_id)::int AS month
     FROM complaint_breaches WHERE at >= $2::timestamptz`,
    [periods.today, periods.month],
  );
  const approvals = await db.query<Record<string, unknown>>(
    `SELECT ${ROW_COLUMNS} FROM complaints WHERE ${OPEN} AND ${AWAITING}
     ORDER BY next_deadline ASC NULLS LAST, complaint_id LIMIT $1`,
    [opts.approvalsLimit ?? 20],
  );
  const byStage = groups.rows.filter((r) => r.by_assignee === 0);
  const workload = groups.rows
    .filter((r) => r.by_assignee === 1)
    .sort((a, b) => b.open - a.open || (a.assignee ?? '').localeCompare(b.assignee ?? ''))
    .slice(0, opts.workloadLimit ?? 30);
  return {
    openByStageAndRegime: byStage
      .map((r) => ({ stage: r.stage ?? '', regime: r.regime ?? '', open: r.open }))
      .sort((a, b) => a.stage.localeCompare(b.stage) || a.regime.localeCompare(b.regime)),
    dueWithin24h: byStage.reduce((n, r) => n + r.due, 0),
    breachesToday: breaches.rows[0]?.today ?? 0,
    breachesThisMonth: breaches.rows[0]?.month ?? 0,
    breachesSince: periods,
    approvalsWaiting: approvals.rows.map((r) => fromRow<QueueRow>(r)),
    workload: workload.map((w) => ({ assignee: w.assignee, open: w.open, breached: w.breached, dueWithin24h: w.due })),
  };
}

/** The last `months` months' CSAT and breach rate (the page keeps these a minute: they move by the month). */
export async function dashboardTrends(db: Queryable, now: number, months = 6): Promise<DashboardTrends> {
  const from = startOfMonth(now, months - 1).toISOString();
  const to = startOfMonth(now, -1).toISOString();
  const csat = await db.query<{ month: string; answers: number; mean: number | null }>(
    `SELECT to_char(date_trunc('month', resolved_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
       count(csat)::int AS answers, avg(csat)::float8 AS mean
     FROM complaints WHERE resolved_at >= $1::timestamptz AND resolved_at < $2::timestamptz GROUP BY 1`,
    [from, to],
  );
  // As store/quality-reports.ts's breach report counts: decided deadline clocks whose deadline fell in the month.
  const rate = await db.query<{ month: string; clocks: number; breached: number }>(
    `SELECT to_char(date_trunc('month', deadline AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
       count(*)::int AS clocks, count(*) FILTER (WHERE breached)::int AS breached
     FROM complaint_clocks WHERE kind = 'deadline' AND (breached OR status = 'stopped')
       AND deadline >= $1::timestamptz AND deadline < $2::timestamptz GROUP BY 1`,
    [from, to],
  );
  const csatOf = new Map(csat.rows.map((r) => [r.month, r]));
  const rateOf = new Map(rate.rows.map((r) => [r.month, r]));
  return {
    csatByMonth: monthsTo(now, months).map((month) => {
      const r = csatOf.get(month);
      return { month, answers: r?.answers ?? 0, mean: r && r.answers > 0 ? r.mean : null };
    }),
    breachRateByMonth: monthsTo(now, months).map((month) => {
      const r = rateOf.get(month);
      const clocks = r?.clocks ?? 0;
      const breached = r?.breached ?? 0;
      return { month, clocks, breached, rate: clocks === 0 ? null : breached / clocks };
    }),
  };
}

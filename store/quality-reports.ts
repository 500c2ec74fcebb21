import { toCsv } from './csv';
import type { Queryable } from './db';
import { CLOSED_AT } from './reports';

/**
 * The reports on how well complaints are handled, for a period `[from, to)` (ISO-8601 instants):
 * deadlines breached by regime and clock, satisfaction by agent, category and product with the reopen
 * rate, and the root causes per product with their trend by month. Each reads the store only, so it
 * answers for complaints Temporal has long forgotten.
 */

/** A period of time, `[from, to)`. */
export interface Period {
  from: string;
  to: string;
}

const PERIOD = (column: string, first = 1) =>
  `${column} >= $${first}::timestamptz AND ${column} < $${first + 1}::timestamptz`;
const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

// ---------------------------------------------------------------------------------------------- breaches

/** Deadline clocks of one regime and clock name whose deadline fell in the period, and how many were missed. */
export interface BreachRow {
  regime: string;
  clock: string;
  /** Clocks that ran to a decision: stopped (met or not) or breached. */
  clocks: number;
  breached: number;
  /** `breached / clocks`; null when no clock ran. */
  breachRate: number | null;
}

/** Breaches by regime and clock, and over all of them. */
export interface BreachReport extends Period {
  rows: BreachRow[];
  total: { clocks: number; breached: number; breachRate: number | null };
}

/**
 * A clock "ran" in the period when its (final, possibly extended) deadline fell in it and it was decided:
 * stopped, or breached. A clock still running or paused before its deadline is not counted yet, so a
 * period that ends in the future does not dilute the rate with clocks that may still be missed. Windows
 * (FCA's 3-business-day summary resolution) are opportunities, not obligations: never breached, not counted.
 */
export async function breachReport(db: Queryable, period: Period): Promise<BreachReport> {
  const { rows } = await db.query<{ regime: string; clock: string; clocks: number; breached: number }>(
    `SELECT c.regime, k.clock, count(*)::int AS clocks, count(*) FILTER (WHERE k.breached)::int AS breached
     FROM complaint_clocks k JOIN complaints c ON c.complaint_id = k.complaint_id
     WHERE k.kind = 'deadline' AND (k.breached OR k.status = 'stopped') AND ${PERIOD('k.deadline')}
     GROUP BY c.regime, k.clock ORDER BY c.regime, k.clock`,
    [period.from, period.to],
  );
  const clocks = rows.reduce((n, r) => n + r.clocks, 0);
  const breached = rows.reduce((n, r) => n + r.breached, 0);
  return {
    ...period,
    rows: rows.map((r) => ({ ...r, breachRate: rate(r.breached, r.clocks) })),
    total: { clocks, breached, breachRate: rate(breached, clocks) },
  };
}

/** `regime,clock,clocks,breached,breach_rate`, then the `all,all` total. */
export function breachReportCsv(r: BreachReport): string {
  return toCsv(
    ['regime', 'clock', 'clocks', 'breached', 'breach_rate'],
    [
      ...r.rows.map((x) => [x.regime, x.clock, x.clocks, x.breached, x.breachRate]),
      ['all', 'all', r.total.clocks, r.total.breached, r.total.breachRate],
    ],
  );
}

// -------------------------------------------------------------------------------------------------- CSAT

/** Survey answers of one group and their mean score. */
export interface CsatGroup {
  key: string | null;
  answers: number;
  mean: number | null;
}

/** Satisfaction answered in the period, by agent, category and product; and the reopen rate. */
export interface CsatReport extends Period {
  overall: { answers: number; mean: number | null };
  byAgent: CsatGroup[];
  byCategory: CsatGroup[];
  byProduct: CsatGroup[];
  /** Of the complaints resolved in the period, those reopened since the period began. */
  reopen: { resolved: number; reopened: number; rate: number | null };
  /**
   * Survey comments written in the period (confirmed answers that carried one), counted overall and by
   * the same groups: counts only. The text is personal data and is read per complaint, never in a report.
   */
  comments: { overall: number; byAgent: CommentCount[]; byCategory: CommentCount[]; byProduct: CommentCount[] };
}

/** How many survey comments one group's complaints received. */
export interface CommentCount {
  key: string | null;
  comments: number;
}

const CSAT_GROUPS = { byAgent: 'c.assignee', byCategory: 'c.category', byProduct: 'c.product' } as const;

/**
 * Every survey answer recorded at a resolution in the period counts (a complaint resolved twice answers
 * twice), grouped by the complaint's current assignee, category and product (none: `key` null).
 */
export async function csatReport(db: Queryable, period: Period): Promise<CsatReport> {
  const p = [period.from, period.to];
  const grouped = async (column: string | null): Promise<CsatGroup[]> =>
    // `column` is one of this file's literal column names.
    (
      await db.query<CsatGroup>(
        `SELECT ${column ?? 'NULL::text'} AS key, count(*)::int AS answers, avg(s.score)::float8 AS mean
         FROM complaint_surveys s JOIN complaints c ON c.complaint_id = s.complaint_id
         WHERE ${PERIOD('s.at')} GROUP BY 1 ORDER BY 1 NULLS LAST`,
        p,
      )
    ).rows;
  const [overall] = await grouped(null);
  const commented = async (column: string | null): Promise<CommentCount[]> =>
    // `column` is one of this file's literal column names; only counts leave the query, never a comment.
    (
      await db.query<CommentCount>(
        `SELECT ${column ?? 'NULL::text'} AS key, count(*)::int AS comments
         FROM complaint_survey_comments s JOIN complaints c ON c.complaint_id = s.complaint_id
         WHERE ${PERIOD('s.answered_at')} GROUP BY 1 ORDER BY 1 NULLS LAST`,
        p,
      )
    ).rows;
  const reopen = (
    await db.query<{ resolved: number; reopened: number }>(
      `WITH resolved AS (
         SELECT DISTINCT complaint_id FROM complaint_events WHERE type = 'complaint.resolved' AND ${PERIOD('occurred_at')})
       SELECT count(*)::int AS resolved,
         count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM complaint_events e WHERE e.complaint_id = r.complaint_id AND e.type = 'complaint.reopened'
             AND e.occurred_at >= $1::timestamptz))::int AS reopened
       FROM resolved r`,
      p,
    )
  ).rows[0] ?? { resolved: 0, reopened: 0 };
  return {
    ...period,
    overall: { answers: overall?.answers ?? 0, mean: overall?.mean ?? null },
    byAgent: await grouped(CSAT_GROUPS.byAgent),
    byCategory: await grouped(CSAT_GROUPS.byCategory),
    byProduct: await grouped(CSAT_GROUPS.byProduct),
    reopen: { ...reopen, rate: rate(reopen.reopened, reopen.resolved) },
    comments: {
      overall: (await commented(null))[0]?.comments ?? 0,
      byAgent: await commented(CSAT_GROUPS.byAgent),
      byCategory: await commented(CSAT_GROUPS.byCategory),
      byProduct: await commented(CSAT_GROUPS.byProduct),
    },
  };
}

/** `measure,key,count,value`: one line a group (`csat_by_agent`, …), `csat` overall, `reopen_rate`, then the comment counts. */
export function csatReportCsv(r: CsatReport): string {
  const lines = (measure: string, groups: CsatGroup[]) => groups.map((g) => [measure, g.key, g.answers, g.mean]);
  const comments = (measure: string, groups: CommentCount[]) => groups.map((g) => [measure, g.key, g.comments, null]);
  return toCsv(
    ['measure', 'key', 'count', 'value'],
    [
      ['csat', null, r.overall.answers, r.overall.mean],
      ...lines('csat_by_agent', r.byAgent),
      ...lines('csat_by_category', r.byCategory),
      ...lines('csat_by_product', r.byProduct),
      ['reopened', null, r.reopen.resolved, r.reopen.reopened],
      ['reopen_rate', null, r.reopen.resolved, r.reopen.rate],
      ['comments', null, r.comments.overall, null],
      ...comments('comments_by_agent', r.comments.byAgent),
      ...comments('comments_by_category', r.comments.byCategory),
      ...comments('comments_by_product', r.comments.byProduct),
    ],
  );
}

// -------------------------------------------------------------------------------------------- root cause

/** One cause of a product's complaints closed in the period, with its count in each month of the period. */
export interface CauseRow {
  cause: string;
  closed: number;
  /** Of the product's closed complaints that recorded a cause. */
  share: number;
  byMonth: Array<{ month: string; closed: number }>;
}

/** The top causes per product. */
export interface RootCauseReport extends Period {
  /** The months of the period (`YYYY-MM`, UTC), the columns of every trend. */
  months: string[];
  products: Array<{ product: string | null; closed: number; withoutCause: number; causes: CauseRow[] }>;
}

/** `YYYY-MM` of every UTC month the period touches. */
export function monthsOf(period: Period): string[] {
  const end = new Date(Date.parse(period.to) - 1);
  const months: string[] = [];
  const d = new Date(period.from);
  for (let y = d.getUTCFullYear(), m = d.getUTCMonth(); ; m += 1) {
    const at = new Date(Date.UTC(y, m, 1));
    if (at > end) break;
    months.push(at.toISOString().slice(0, 7));
  }
  return months;
}

/**
 * Complaints closed (final response, else resolution) in the period, by product and the cause the final
 * response recorded; per product its `top` causes by count (ties by code) with their monthly counts.
 * Complaints closed without a cause (before the taxonomy existed, or none given) count in the product's
 * `withoutCause`, never as a cause; `share` is of the complaints that recorded one.
 */
export async function rootCauseReport(db: Queryable, period: Period, top = 5): Promise<RootCauseReport> {
  const { rows } = await db.query<{ product: string | null; cause: string | null; month: string; n: number }>(
    `SELECT c.product, c.cause, to_char(date_trunc('month', ${CLOSED_AT} AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
       count(*)::int AS n
     FROM complaints c WHERE ${PERIOD(CLOSED_AT)} GROUP BY 1, 2, 3`,
    [period.from, period.to],
  );
  const months = monthsOf(period);
  type Tally = { closed: number; withoutCause: number; causes: Map<string, Map<string, number>> };
  const products = new Map<string | null, Tally>();
  for (const r of rows) {
    const p: Tally = products.get(r.product) ?? {
      closed: 0,
      withoutCause: 0,
      causes: new Map<string, Map<string, number>>(),
    };
    products.set(r.product, p);
    p.closed += r.n;
    if (r.cause === null) {
      p.withoutCause += r.n;
      continue;
    }
    const byMonth = p.causes.get(r.cause) ?? new Map<string, number>();
    p.causes.set(r.cause, byMonth);
    byMonth.set(r.month, (byMonth.get(r.month) ?? 0) + r.n);
  }
  const out = [...products.entries()].map(([product, p]) => {
    const withCause = p.closed - p.withoutCause;
    const causes = [...p.causes.entries()]
      .map(([cause, byMonth]): CauseRow => {
        const closed = [...byMonth.values()].reduce((a, b) => a + b, 0);
        return {
          cause,
          closed,
          share: closed / withCause,
          byMonth: months.map((month) => ({ month, closed: byMonth.get(month) ?? 0 })),
        };
      })
      .sort((a, b) => b.closed - a.closed || a.cause.localeCompare(b.cause))
      .slice(0, top);
    return { product, closed: p.closed, withoutCause: p.withoutCause, causes };
  });
  // Most complaints first; the complaints without a product last.
  out.sort(
    (a, b) =>
      Number(a.product === null) - Number(b.product === null) ||
      b.closed - a.closed ||
      (a.product ?? '').localeCompare(b.product ?? ''),
  );
  return { ...period, months, products: out };
}

/** `product,cause,period,closed`: each top cause's total (`period` = `all`), then one line a month. */
export function rootCauseReportCsv(r: RootCauseReport): string {
  return toCsv(
    ['product', 'cause', 'period', 'closed'],
    r.products.flatMap((p) => [
      [p.product, null, 'all', p.closed],
      ...p.causes.flatMap((c) => [
        [p.product, c.cause, 'all', c.closed],
        ...c.byMonth.map((m) => [p.product, c.cause, m.month, m.closed]),
      ]),
    ]),
  );
}

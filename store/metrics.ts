import type { Queryable } from './db';

/**
 * The complaint metrics DESIGN §1 asks for, counted from the store: they survive restarts and every API
 * instance reads the same numbers (unlike counters of the events one process happened to read).
 */
export interface StoreMetrics {
  byStage: Array<{ stage: string; n: number }>;
  openBreached: number;
  openEscalated: number;
  openedByRegime: Array<{ regime: string; n: number }>;
  breachesByClock: Array<{ clock: string; n: number }>;
  /** Seconds from receipt, over the complaints that reached the step: count, mean, median, 90th percentile. */
  timeToAcknowledge: Durations;
  timeToResolve: Durations;
  csat: { count: number; mean: number | null };
  /** Complaints reopened at least once, over complaints resolved at least once (null: none resolved yet). */
  reopenRate: number | null;
}

/** A distribution of durations in seconds. */
export interface Durations {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
}

const OPEN = "stage NOT IN ('closed', 'withdrawn')";

const durations = async (db: Queryable, column: string): Promise<Durations> => {
  // `column` is one of this file's literal column names.
  const { rows } = await db.query<{ count: number; mean: number | null; p50: number | null; p90: number | null }>(
    `SELECT count(*)::int AS count, avg(s)::float8 AS mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::float8 AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY s)::float8 AS p90
     FROM (SELECT GREATEST(0, extract(epoch FROM ${column} - received_at)) AS s FROM complaints
           WHERE ${column} IS NOT NULL) d`,
  );
  return rows[0] ?? { count: 0, mean: null, p50: null, p90: null };
};

/** Reads every metric in a handful of indexed or aggregate queries. */
export async function readStoreMetrics(db: Queryable): Promise<StoreMetrics> {
  const one = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]?.n ?? 0;
  const byStage = (
    await db.query<{ stage: string; n: number }>('SELECT stage, count(*)::int AS n FROM complaints GROUP BY stage')
  ).rows;
  const openedByRegime = (
    await db.query<{ regime: string; n: number }>('SELECT regime, count(*)::int AS n FROM complaints GROUP BY regime')
  ).rows;
  const breachesByClock = (
    await db.query<{ clock: string; n: number }>(
      'SELECT clock, count(*)::int AS n FROM complaint_breaches GROUP BY clock',
    )
  ).rows;
  const csat = (
    await db.query<{ count: number; mean: number | null }>(
      'SELECT count(*)::int AS count, avg(score)::float8 AS mean FROM complaint_surveys',
    )
  ).rows[0] ?? { count: 0, mean: null };
  const resolvedEver = await one(
    "SELECT count(DISTINCT complaint_id)::int AS n FROM complaint_events WHERE type = 'complaint.resolved'",
  );
  const reopenedEver = await one(
    "SELECT count(DISTINCT complaint_id)::int AS n FROM complaint_events WHERE type = 'complaint.reopened'",
  );
  return {
    byStage,
    openBreached: await one(`SELECT count(*)::int AS n FROM complaints WHERE breached AND ${OPEN}`),
    openEscalated: await one(`SELECT count(*)::int AS n FROM complaints WHERE escalated AND ${OPEN}`),
    openedByRegime,
    breachesByClock,
    timeToAcknowledge: await durations(db, 'acknowledged_at'),
    timeToResolve: await durations(db, 'resolved_at'),
    csat,
    reopenRate: resolvedEver === 0 ? null : reopenedEver / resolvedEver,
  };
}

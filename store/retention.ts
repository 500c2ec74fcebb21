import type { Db } from './db';
import { STORE_TABLES } from './tables';

/**
 * Erases the records of complaints that ended (closed or withdrawn) before `cutoff`: every row of every
 * table for those complaints, in one transaction. Open complaints are never erased, however old.
 * Returns counts only (rows per table), which is all a log may say about it.
 */
export async function eraseEndedBefore(
  db: Db,
  cutoff: string,
): Promise<{ complaints: number; rows: Record<string, number> }> {
  return db.transaction(async (tx) => {
    const { rows: ids } = await tx.query<{ complaint_id: string }>(
      `SELECT complaint_id FROM complaints WHERE COALESCE(closed_at, withdrawn_at) < $1::timestamptz`,
      [cutoff],
    );
    const list = JSON.stringify(ids.map((r) => r.complaint_id));
    const counts: Record<string, number> = {};
    if (ids.length > 0) {
      // Children first, the complaint rows last; the table names are this module's constants.
      for (const table of [...STORE_TABLES].reverse()) {
        const r = await tx.query<{ n: number }>(
          `WITH gone AS (DELETE FROM ${table} WHERE complaint_id IN (SELECT jsonb_array_elements_text($1::jsonb)) RETURNING 1)
           SELECT count(*)::int AS n FROM gone`,
          [list],
        );
        counts[table] = r.rows[0]?.n ?? 0;
      }
    }
    return { complaints: ids.length, rows: counts };
  });
}

/** The cutoff `years` before `now` (calendar years, UTC). */
export function retentionCutoff(now: Date, years: number): string {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString();
}

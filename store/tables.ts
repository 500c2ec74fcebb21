import type { Db } from './db';

/** Every table the projector fills (all but `schema_migrations`): what a rebuild empties. */
export const STORE_TABLES = [
  'complaints',
  'complaint_clocks',
  'complaint_events',
  'complaint_breaches',
  'complaint_letters',
  'complaint_remedies',
  'complaint_surveys',
] as const;

/** Empties the store in one statement (a rebuild then reads every topic from its first offset). */
export async function clearStore(db: Db): Promise<void> {
  await db.exec(`TRUNCATE ${STORE_TABLES.join(', ')}`);
}

/** Every row of every table, in a stable order: what a rebuild must reproduce (tests compare these). */
export async function snapshotStore(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of STORE_TABLES) {
    // ORDER BY the whole row (as text) so two stores with the same rows give the same list.
    const { rows } = await db.query(`SELECT * FROM ${table} t ORDER BY t::text`);
    out[table] = rows;
  }
  return out;
}

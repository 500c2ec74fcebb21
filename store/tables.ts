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
  'complaint_survey_comments',
] as const;

/**
 * The tables a rebuild keeps: their sources are not kept for ever on Kafka (`complaints.notifications`
 * expires after its retention, infra/kafka-topics.ts; upstream's `complaints.events` is upstream's to keep),
 * so the store is their only lasting copy. A rebuild re-reads what the topics still hold into them, which
 * changes nothing (keyed by event id), and loses nothing that has expired. The retention job still erases
 * them with their complaint.
 */
export const KEPT_ON_REBUILD: ReadonlySet<(typeof STORE_TABLES)[number]> = new Set([
  'complaint_letters',
  'complaint_survey_comments',
]);

/** Empties what a rebuild re-derives, in one statement (a rebuild then reads every topic from its first offset). */
export async function clearStore(db: Db): Promise<void> {
  await db.exec(`TRUNCATE ${STORE_TABLES.filter((t) => !KEPT_ON_REBUILD.has(t)).join(', ')}`);
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

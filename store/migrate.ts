import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db';

/**
 * Runs the versioned SQL files of `store/migrations/` (`0001_name.sql`, …) that the database has not
 * run yet, in order, each in the same transaction as its row in `schema_migrations`.
 *
 * A runner of our own rather than postgrator or node-pg-migrate: postgrator 7.3+ is ESM-only (this
 * project and its jest run CommonJS) and node-pg-migrate drives a `pg` client itself, so neither runs on
 * PGlite as well as PostgreSQL. An advisory lock lets several processes start at once; a changed file
 * that already ran is refused (write a new migration instead).
 */

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Where the SQL files are: beside this module in the sources, beside the sources when run from dist/. */
export function migrationsDir(): string {
  const candidates = [join(__dirname, 'migrations'), join(__dirname, '..', '..', 'store', 'migrations')];
  const dir = candidates.find((d) => existsSync(d));
  if (!dir) throw new Error(`no migrations directory (looked in ${candidates.join(', ')})`);
  return dir;
}

/** Reads the migration files, in version order; refuses a gap-free-less or duplicate numbering. */
export function loadMigrations(dir = migrationsDir()): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const m = /^(\d+)_([a-z0-9_-]+)\.sql$/.exec(file);
      if (!m) throw new Error(`migration ${file}: name it NNNN_name.sql`);
      const sql = readFileSync(join(dir, file), 'utf8');
      return { version: Number(m[1]), name: m[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.version}_${m.name}: expected version ${i + 1}`);
  });
  return migrations;
}

/** A fixed key for the advisory lock that serialises migrating processes. */
const LOCK_KEY = 4_217_301;

/** Brings the schema up to date; returns the versions it applied (none when already current). */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const applied = new Map(rows.map((r) => [r.version, r]));
    for (const r of rows) {
      const m = migrations.find((x) => x.version === r.version);
      if (!m)
        throw new Error(
          `the database has migration ${r.version}_${r.name}, which this code does not know: deploy newer code`,
        );
      if (m.checksum !== r.checksum) {
        throw new Error(`migration ${m.version}_${m.name} changed after it ran: add a new migration instead`);
      }
    }
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      done.push(m.version);
    }
    return done;
  });
}

import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { pgDb, pgliteDb, type Db } from './db';
import { migrate } from './migrate';

/** How a process reaches the store: a PostgreSQL URL, or the directory of the embedded PGlite database. */
export interface StoreLocation {
  /** `postgres://…`; when set, the store is that server. */
  databaseUrl?: string;
  /** Where the embedded store lives when there is no URL (`$REDRESS_DATA_DIR/store`). */
  dataDir: string;
}

/** An open, migrated store. `lite` is the embedded database when there is one (to serve it to others). */
export interface OpenStore {
  db: Db;
  lite?: PGlite;
  /** Where it is, for logs: the URL without credentials, or the directory. */
  where: string;
}

/** The embedded store's directory under a data directory. */
export const storeDir = (dataDir: string): string => join(dataDir, 'store');

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** Opens the store and brings its schema up to date (migrations run at every start; a no-op when current). */
export async function openStore(loc: StoreLocation): Promise<OpenStore & { migrated: number[] }> {
  if (loc.databaseUrl) {
    const db = pgDb(loc.databaseUrl);
    const migrated = await migrate(db).catch(async (err: unknown) => {
      await db.close();
      throw err;
    });
    return { db, where: redactUrl(loc.databaseUrl), migrated };
  }
  const dir = storeDir(loc.dataDir);
  const { db, lite } = await pgliteDb(dir);
  const migrated = await migrate(db);
  return { db, lite, where: dir, migrated };
}

import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Pool, types } from 'pg';

/**
 * The store's one way to talk to its database, so every query runs unchanged on PostgreSQL (`pg`, when
 * `DATABASE_URL` is set) and on PGlite (PostgreSQL in WebAssembly, embedded, when it is not). One SQL
 * dialect: PostgreSQL's, with `$1` parameters; JSON goes in as text cast to `jsonb`.
 */
export interface Queryable {
  /** One statement with positional parameters (`$1`, `$2`, …). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A database: statements, and transactions that commit when `fn` resolves and roll back when it throws. */
export interface Db extends Queryable {
  readonly driver: 'pg' | 'pglite';
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// int8 (counts, sums) as numbers rather than strings: the store's counts stay far below 2^53.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));

/** A pool of connections to a PostgreSQL server. Failed connections surface as rejected queries. */
export function pgDb(url: string, opts: { max?: number; connectionTimeoutMs?: number } = {}): Db {
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 5,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5_000,
    // A statement stuck behind an outage must fail, so the projector pauses rather than hangs.
    query_timeout: 30_000,
  });
  // An idle client losing its server (an outage) emits here; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    driver: 'pg',
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      const r = await pool.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as T[] };
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      // The pool listens for errors of idle clients only: a server that goes away while this one is
      // checked out emits on it (the statement in flight rejects as well), and with no listener that
      // event would end the process instead of pausing the projector (found by the cluster fault run).
      const lost = () => undefined;
      client.on('error', lost);
      const release = (destroy?: boolean) => {
        client.removeListener('error', lost);
        client.release(destroy);
      };
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          query: async <T>(sql: string, params?: readonly unknown[]) => {
            const r = await client.query(sql, params as unknown[] | undefined);
            return { rows: r.rows as T[] };
          },
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        release();
        return result;
      } catch (err) {
        // A connection that failed mid-transaction is thrown away, not returned to the pool.
        await client.query('ROLLBACK').then(
          () => release(),
          () => release(true),
        );
        throw err;
      }
    },
    close: () => pool.end(),
  };
}

/** Wraps a PGlite instance (embedded, or in memory when `dataDir` is undefined). */
export function pgliteDbOf(lite: PGlite): Db {
  const query = async <T>(q: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) => {
    const r = await q.query<T>(sql, params as unknown[] | undefined);
    return { rows: r.rows };
  };
  return {
    driver: 'pglite',
    query: (sql, params) => query(lite, sql, params),
    exec: async (sql) => {
      await lite.exec(sql);
    },
    transaction: (fn) =>
      lite.transaction((t) =>
        fn({
          query: (sql, params) => query(t, sql, params),
          exec: async (sql) => {
            await t.exec(sql);
          },
        }),
      ),
    close: () => lite.close(),
  };
}

/** Opens PGlite with its data in `dataDir` (created if missing); one process may own a directory. */
export async function pgliteDb(dataDir: string | undefined): Promise<{ db: Db; lite: PGlite }> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lite = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  return { db: pgliteDbOf(lite), lite };
}

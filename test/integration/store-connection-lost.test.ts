import pg from 'pg';
import { pgDb, type Db } from '../../store/db';
import { testDatabaseUrl } from '../support/store';

/**
 * A PostgreSQL server that goes away while a transaction holds a connection (the cluster fault run's
 * SIGKILL of PostgreSQL, or an operator's pg_terminate_backend) must fail that transaction and nothing
 * else: the projector pauses and retries. Before, the checked-out client's 'error' event had no
 * listener, and the projector process died of it.
 */
describe('the store losing its connection inside a transaction', () => {
  let db: Db;
  let admin: pg.Client;
  beforeAll(async () => {
    db = pgDb(testDatabaseUrl());
    admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
  });
  afterAll(async () => {
    await db?.close();
    await admin?.end();
  });

  it('rejects the transaction, keeps the process, and serves the next query on a new connection', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const attempt = db.transaction(async (tx) => {
        const [me] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
        await admin.query('SELECT pg_terminate_backend($1)', [me!.pid]);
        // The server's goodbye arrives as an 'error' event on the connection before the next statement.
        await new Promise((r) => setTimeout(r, 500));
        await tx.query('SELECT 1');
      });
      await expect(attempt).rejects.toThrow(/terminat|Connection|closed/i);
      expect(uncaught).toEqual([]);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      process.removeListener('uncaughtException', onUncaught);
    }
  });
});

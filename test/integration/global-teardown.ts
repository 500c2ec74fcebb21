import type { LocalServers } from '../../infra/local-servers';
import type { PostgresServer } from '../../infra/postgres-server';

/** Stops the servers globalSetup started (none when the tests used existing ones), PostgreSQL first. */
export default async function globalTeardown(): Promise<void> {
  (globalThis as { __redressPostgres?: PostgresServer }).__redressPostgres?.stop();
  await (globalThis as { __redressServers?: LocalServers }).__redressServers?.stop();
}

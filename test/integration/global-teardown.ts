import type { LocalServers } from '../../infra/local-servers';

/** Stops the servers globalSetup started (none when the tests used existing ones). */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __redressServers?: LocalServers }).__redressServers?.stop();
}

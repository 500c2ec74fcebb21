import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Serves an embedded (PGlite) store over the PostgreSQL wire protocol on 127.0.0.1, so other local
 * processes (the API) read it with `pg` while the projector stays its one owner. PGlite runs one query
 * at a time: readers queue behind the projector's transactions. For the local stack only; a deployment
 * uses PostgreSQL (DATABASE_URL).
 */
export async function serveEmbeddedStore(
  lite: PGlite,
  port: number,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = new PGLiteSocketServer({ db: lite, host: '127.0.0.1', port, maxConnections: 16 });
  await server.start();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: () => server.stop() };
}

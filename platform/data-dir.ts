import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where Redress keeps its local files: the servers obtain.sh builds and, under `data/`, the local stack's
 * data and the API's development keys. Here rather than in infra/ because the API process reads it too
 * (its development keys), and nothing the service runs may import infra/. Mirrors infra/env.sh: keep the
 * two in step. Everything is outside the repository so fresh clones share one cache.
 */

/** The cache directory: `$REDRESS_CACHE`, else `$XDG_CACHE_HOME/redress` (`~/.cache/redress`). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.REDRESS_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'redress');
}

/** The data directory: `$REDRESS_DATA_DIR`, else `data/` in the cache directory. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.REDRESS_DATA_DIR ? resolve(env.REDRESS_DATA_DIR) : join(cacheDir(env), 'data');
}

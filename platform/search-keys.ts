import { join } from 'node:path';
import { ensureDevKeyRing, parseKeyRing, ringFromEnv } from './key-ring';
import type { SearchKey } from './search-index';

/**
 * The search index's key ring (platform/search-index.ts), shared by every process that indexes or
 * searches: the API (submissions and lists), the bridge (complaints from Kafka) and the worker (complaints
 * it opens for a reply's new matter). They must hold the same ring, or a complaint indexed by one is not
 * found by the other.
 *
 * `REDRESS_SEARCH_KEYS` (`id:base64,id:base64`, newest first) or `REDRESS_SEARCH_KEYS_FILE` (the same,
 * one key a line); neither set, the local stack's development key in the data directory, made on first
 * start — refused when `NODE_ENV=production`, where a key nobody chose is a key nobody guards.
 */

/** A secret shorter than this is refused: HMAC-SHA256's key should be at least its output size. */
const SIZE = { min: 32 };

/** Parses `id:base64` entries (comma- or newline-separated); throws naming the bad entry's position. */
export function parseSearchKeys(value: string, source: string): SearchKey[] {
  return parseKeyRing(value, source, SIZE);
}

/** Where the development key lives under a data directory. */
export const devSearchKeyFile = (dataDir: string): string => join(dataDir, 'dev-search-keys');

/**
 * The development key, made on first use. Created exclusively (`wx`), so the API and the bridge starting
 * at the same moment end up with the one key whichever writes first.
 */
export function ensureDevSearchKey(dataDir: string): SearchKey[] {
  return ensureDevKeyRing(
    devSearchKeyFile(dataDir),
    dataDir,
    'Redress search-index key for local development. Keep private.',
    SIZE,
  );
}

/** The ring from the environment, or the development key (refused in production). */
export function loadSearchKeys(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): { keys: SearchKey[]; source: 'REDRESS_SEARCH_KEYS' | 'REDRESS_SEARCH_KEYS_FILE' | 'development key' } {
  const ring = ringFromEnv(env, 'REDRESS_SEARCH_KEYS', SIZE);
  if (ring)
    return { keys: ring.keys, source: ring.source === 'inline' ? 'REDRESS_SEARCH_KEYS' : 'REDRESS_SEARCH_KEYS_FILE' };
  if (env.NODE_ENV === 'production') {
    throw new Error(
      'no search-index key: set REDRESS_SEARCH_KEYS or REDRESS_SEARCH_KEYS_FILE (NODE_ENV=production makes no development key)',
    );
  }
  return { keys: ensureDevSearchKey(dataDir), source: 'development key' };
}

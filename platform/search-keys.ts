import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchKey } from './search-index';

/**
 * The search index's key ring (platform/search-index.ts), shared by every process that indexes or
 * searches: the API (submissions and lists) and the bridge (complaints from Kafka). They must hold the
 * same ring, or a complaint indexed by one is not found by the other.
 *
 * `REDRESS_SEARCH_KEYS` (`id:base64,id:base64`, newest first) or `REDRESS_SEARCH_KEYS_FILE` (the same,
 * one key a line); neither set, the local stack's development key in the data directory, made on first
 * start — refused when `NODE_ENV=production`, where a key nobody chose is a key nobody guards.
 */

/** A secret shorter than this is refused: HMAC-SHA256's key should be at least its output size. */
const MIN_SECRET_BYTES = 32;
const ID = /^[A-Za-z0-9._-]{1,40}$/;

/** Parses `id:base64` entries (comma- or newline-separated); throws naming the bad entry's position. */
export function parseSearchKeys(value: string, source: string): SearchKey[] {
  const entries = value
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== '' && !e.startsWith('#'));
  const keys = entries.map((entry, i) => {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    const secret = Buffer.from(entry.slice(at + 1), 'base64');
    if (at < 1 || !ID.test(id))
      throw new Error(`${source}: key ${i + 1} needs an id (letters, digits, . _ -) before ':'`);
    if (secret.length < MIN_SECRET_BYTES) {
      throw new Error(`${source}: key ${i + 1} (${id}) must be at least ${MIN_SECRET_BYTES} bytes, base64-encoded`);
    }
    return { id, secret };
  });
  if (keys.length === 0) throw new Error(`${source}: no key`);
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error(`${source}: two keys share an id`);
  return keys;
}

/** Where the development key lives under a data directory. */
export const devSearchKeyFile = (dataDir: string): string => join(dataDir, 'dev-search-keys');

/**
 * The development key, made on first use. Created exclusively (`wx`), so the API and the bridge starting
 * at the same moment end up with the one key whichever writes first.
 */
export function ensureDevSearchKey(dataDir: string): SearchKey[] {
  const file = devSearchKeyFile(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const entry = `dev-1:${randomBytes(MIN_SECRET_BYTES).toString('base64')}\n`;
  try {
    writeFileSync(file, `# Redress search-index key for local development. Keep private.\n${entry}`, {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseSearchKeys(readFileSync(file, 'utf8'), file);
}

/** The ring from the environment, or the development key (refused in production). */
export function loadSearchKeys(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): { keys: SearchKey[]; source: 'REDRESS_SEARCH_KEYS' | 'REDRESS_SEARCH_KEYS_FILE' | 'development key' } {
  const inline = env.REDRESS_SEARCH_KEYS?.trim();
  if (inline) return { keys: parseSearchKeys(inline, 'REDRESS_SEARCH_KEYS'), source: 'REDRESS_SEARCH_KEYS' };
  const file = env.REDRESS_SEARCH_KEYS_FILE?.trim();
  if (file) {
    return { keys: parseSearchKeys(readFileSync(file, 'utf8'), file), source: 'REDRESS_SEARCH_KEYS_FILE' };
  }
  if (env.NODE_ENV === 'production') {
    throw new Error(
      'no search-index key: set REDRESS_SEARCH_KEYS or REDRESS_SEARCH_KEYS_FILE (NODE_ENV=production makes no development key)',
    );
  }
  return { keys: ensureDevSearchKey(dataDir), source: 'development key' };
}

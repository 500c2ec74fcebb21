import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Key rings shared by every process that holds one (the search index's, the payload codec's): a list of
 * `id:base64` keys, newest first. The first key is the one new data is written under; every key still
 * reads. Rotation is adding a key in front and, once nothing under the old one is left, dropping it.
 *
 * One parser and one way to make a development ring, so the two rings cannot drift apart in syntax or in
 * how carefully their development files are made.
 */

/** One key of a ring: an id (stored beside what it protects, so the right key is found) and its secret. */
export interface RingKey {
  id: string;
  secret: Buffer;
}

/** What a ring's secrets must measure: at least `min` bytes, and exactly `exact` when the cipher says so. */
export interface SecretSize {
  min: number;
  exact?: boolean;
}

const ID = /^[A-Za-z0-9._-]{1,40}$/;

/** Parses `id:base64` entries (comma- or newline-separated, `#` comments); throws naming the bad entry. */
export function parseKeyRing(value: string, source: string, size: SecretSize): RingKey[] {
  // Comment lines go before the split on commas, so a comment may hold a comma.
  const entries = value
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const keys = entries.map((entry, i) => {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    const secret = Buffer.from(entry.slice(at + 1), 'base64');
    if (at < 1 || !ID.test(id))
      throw new Error(`${source}: key ${i + 1} needs an id (letters, digits, . _ -) before ':'`);
    if (size.exact && secret.length !== size.min) {
      throw new Error(`${source}: key ${i + 1} (${id}) must be exactly ${size.min} bytes, base64-encoded`);
    }
    if (secret.length < size.min) {
      throw new Error(`${source}: key ${i + 1} (${id}) must be at least ${size.min} bytes, base64-encoded`);
    }
    return { id, secret };
  });
  if (keys.length === 0) throw new Error(`${source}: no key`);
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error(`${source}: two keys share an id`);
  return keys;
}

/** A fresh `id:base64` entry with a random secret of `bytes` bytes. */
export const newRingEntry = (id: string, bytes: number): string => `${id}:${randomBytes(bytes).toString('base64')}`;

/**
 * A development ring in `file`, made on first use with one random key. Created exclusively (`wx`) and
 * private (0600), so processes starting at the same moment end up with the one ring whichever writes
 * first, and nobody else on the machine reads it.
 */
export function ensureDevKeyRing(file: string, dir: string, header: string, size: SecretSize): RingKey[] {
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, `# ${header}\n${newRingEntry('dev-1', size.min)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseKeyRing(readFileSync(file, 'utf8'), file, size);
}

/** Where a ring came from, for the start-up log line (never the keys). */
export type RingSource = 'inline' | 'file' | 'development key';

/**
 * A ring from `<VAR>` (inline) or `<VAR>_FILE`, else `undefined`: the caller decides whether a missing
 * ring is a development ring, a refusal or (for the payload codec, when told) no ring at all.
 */
export function ringFromEnv(
  env: NodeJS.ProcessEnv,
  variable: string,
  size: SecretSize,
): { keys: RingKey[]; source: RingSource } | undefined {
  const inline = env[variable]?.trim();
  if (inline) return { keys: parseKeyRing(inline, variable, size), source: 'inline' };
  const file = env[`${variable}_FILE`]?.trim();
  if (file) return { keys: parseKeyRing(readFileSync(file, 'utf8'), file, size), source: 'file' };
  return undefined;
}

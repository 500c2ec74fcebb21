import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describeFieldErrors, fieldErrors } from '../domain/validation';

/**
 * API keys: who may call the HTTP API, and in which role (DESIGN §5). Only SHA-256 hashes of keys are
 * ever stored or configured. A fast hash is the right one here: keys are 256-bit random strings made by
 * {@link generateApiKey}, so no dictionary or brute force can find a key from its hash, and a slow
 * password hash (scrypt) would only cost CPU on every request.
 */

/** The roles a key can have (the workflow's `system` role is never a caller's). */
export const API_ROLES = ['service', 'operator', 'supervisor', 'auditor'] as const;
/** A caller's role. */
export type ApiRole = (typeof API_ROLES)[number];

/** Who is calling: the key's id (recorded as the actor on the complaint's timeline) and its role. */
export interface Principal {
  id: string;
  role: ApiRole;
}

const KeyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, 'must be 1-100 letters, digits, dot, underscore, @ or hyphen');
const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash as 64 lower-case hex digits');

/** One configured key: who (id), in which role, and the key's SHA-256. */
export const ApiKeyEntrySchema = z.strictObject({
  id: KeyIdSchema,
  role: z.enum(API_ROLES),
  sha256: Sha256Schema,
});
/** See {@link ApiKeyEntrySchema}. */
export type ApiKeyEntry = z.infer<typeof ApiKeyEntrySchema>;

/** The key file (`REDRESS_API_KEYS_FILE`): `{ "keys": [{ "id": "alice", "role": "operator", "sha256": "…" }] }`. */
export const ApiKeyFileSchema = z.strictObject({ keys: z.array(ApiKeyEntrySchema) });

/** The SHA-256 of a key, as hex: what a key file or `REDRESS_API_KEYS` holds. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random key: `rdk_` and 32 random bytes, base64url. Shown once to whoever creates it, never stored. */
export function generateApiKey(): string {
  return `rdk_${randomBytes(32).toString('base64url')}`;
}

/** Parses `REDRESS_API_KEYS`: comma-separated `id:role:sha256` entries. Throws naming the bad entry. */
export function parseApiKeysEnv(value: string): ApiKeyEntry[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const [id, role, sha256, ...rest] = entry.split(':');
      const parsed = ApiKeyEntrySchema.safeParse({ id, role, sha256 });
      if (!parsed.success || rest.length > 0) {
        const why = parsed.success ? 'expected id:role:sha256' : describeFieldErrors(fieldErrors(parsed.error));
        throw new Error(`REDRESS_API_KEYS entry ${i + 1} (${id ?? ''}): ${why}`);
      }
      return parsed.data;
    });
}

/** Reads a key file; throws naming the file and the invalid field. */
export function readApiKeyFile(path: string): ApiKeyEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the API key file ${path}: ${(err as Error).message}`);
  }
  const parsed = ApiKeyFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`invalid API key file ${path}: ${describeFieldErrors(fieldErrors(parsed.error))}`);
  }
  return parsed.data.keys;
}

/**
 * The configured keys, checked once. `verify` hashes the presented key and compares it with every
 * stored hash in constant time, without stopping at a match, so response timing says nothing about
 * which keys exist.
 */
export class ApiKeyStore {
  private readonly entries: ReadonlyArray<{ principal: Principal; hash: Buffer }>;

  constructor(entries: readonly ApiKeyEntry[]) {
    const ids = new Set<string>();
    const hashes = new Set<string>();
    for (const e of entries) {
      if (ids.has(e.id)) throw new Error(`API key id ${e.id} is configured twice`);
      if (hashes.has(e.sha256)) throw new Error(`API key ${e.id} has the same key as another entry`);
      ids.add(e.id);
      hashes.add(e.sha256);
    }
    this.entries = entries.map((e) => ({ principal: { id: e.id, role: e.role }, hash: Buffer.from(e.sha256, 'hex') }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal a key belongs to, or undefined for an unknown key. */
  verify(presented: string): Principal | undefined {
    // Keys are short; a megabyte "key" should not cost a megabyte of hashing.
    if (presented.length === 0 || presented.length > 512) return undefined;
    const hash = createHash('sha256').update(presented, 'utf8').digest();
    let found: Principal | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(hash, e.hash)) found = e.principal;
    }
    return found;
  }
}

/** Where the local development keys live, under the stack's data directory. */
export interface DevKeyFiles {
  /** The hashed key file the API reads (like any REDRESS_API_KEYS_FILE). */
  keysFile: string;
  /** The keys themselves, as shell variables to `source`: readable by the owner only. */
  secretsFile: string;
}

/** The development key files under a data directory. */
export function devKeyFiles(dataDir: string): DevKeyFiles {
  return { keysFile: join(dataDir, 'api-keys.json'), secretsFile: join(dataDir, 'dev-api-keys.env') };
}

/**
 * Creates one key per role for local development, unless the key file exists: the hashes go to
 * `api-keys.json`, the keys to `dev-api-keys.env` (mode 0600), which a developer sources to use the
 * CLI or curl. Returns true when it created them. Nothing is ever logged or printed with a key in it.
 */
export function ensureDevKeys(dataDir: string, now: Date = new Date()): boolean {
  const files = devKeyFiles(dataDir);
  if (existsSync(files.keysFile)) return false;
  mkdirSync(dataDir, { recursive: true });
  const keys = API_ROLES.map((role) => ({ role, id: `dev-${role}`, key: generateApiKey() }));
  const lines = [
    `# Redress API keys for local development, created ${now.toISOString()}.`,
    '# Keep this file private. Delete it and api-keys.json beside it for new keys (the API makes them on start).',
    ...keys.map((k) => `export REDRESS_${k.role.toUpperCase()}_KEY=${k.key}`),
    '',
  ];
  writeFileSync(files.secretsFile, lines.join('\n'), { mode: 0o600 });
  chmodSync(files.secretsFile, 0o600);
  const file = { keys: keys.map((k) => ({ id: k.id, role: k.role, sha256: hashApiKey(k.key) })) };
  writeFileSync(files.keysFile, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return true;
}

/** Where the keys were configured, for the start-up log line (never the keys). */
export type KeySource = 'REDRESS_API_KEYS' | 'REDRESS_API_KEYS_FILE' | 'development keys';

/** Whether an entry is one {@link ensureDevKeys} made: its id is `dev-` and its own role. */
const isDevKey = (e: ApiKeyEntry): boolean => e.id === `dev-${e.role}`;

/** Why a production API will not start on development keys, and what to do instead. */
const PRODUCTION_NEEDS_KEYS =
  'NODE_ENV=production: the API does not run on development keys (made on first start, readable on this host); ' +
  'set REDRESS_API_KEYS or REDRESS_API_KEYS_FILE to hashed keys (`npx redress api-key create` makes one)';

/**
 * The key store from the configuration: `REDRESS_API_KEYS` and/or `REDRESS_API_KEYS_FILE`; when neither
 * is set, the local development keys under `dataDir` (created on first start). Refuses to start with
 * no key at all, since an API nobody can call is a misconfiguration, and in production (`NODE_ENV=production`)
 * with development keys, made now or earlier: a deployment that forgot its keys must fail loudly, not
 * quietly accept keys that sit in clear on the host's disk.
 */
export function loadApiKeys(
  settings: { keys?: string; keysFile?: string },
  dataDir: string,
  opts: { production?: boolean } = {},
): { store: ApiKeyStore; sources: KeySource[]; created: boolean; files?: DevKeyFiles } {
  if (opts.production && !settings.keys && !settings.keysFile) throw new Error(PRODUCTION_NEEDS_KEYS);
  const entries: ApiKeyEntry[] = [];
  const sources: KeySource[] = [];
  if (settings.keys) {
    entries.push(...parseApiKeysEnv(settings.keys));
    sources.push('REDRESS_API_KEYS');
  }
  if (settings.keysFile) {
    entries.push(...readApiKeyFile(settings.keysFile));
    sources.push('REDRESS_API_KEYS_FILE');
  }
  let created = false;
  let files: DevKeyFiles | undefined;
  if (sources.length === 0) {
    created = ensureDevKeys(dataDir);
    files = devKeyFiles(dataDir);
    entries.push(...readApiKeyFile(files.keysFile));
    sources.push('development keys');
  }
  if (entries.length === 0) throw new Error(`no API keys configured (${sources.join(', ')} has none)`);
  const dev = entries.filter(isDevKey).map((e) => e.id);
  if (opts.production && dev.length > 0) {
    throw new Error(`${PRODUCTION_NEEDS_KEYS}; these are development keys: ${dev.join(', ')}`);
  }
  return { store: new ApiKeyStore(entries), sources, created, ...(files ? { files } : {}) };
}

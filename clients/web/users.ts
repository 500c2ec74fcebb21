import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { API_ROLES, type Principal } from '../../config/api-keys';

/**
 * People who sign in to the pages with a username and password (besides API keys): configured as
 * `REDRESS_WEB_USERS` (`id:role:hash,...`) or `REDRESS_WEB_USERS_FILE` (the same entries, one a line or
 * comma-separated; `#` starts a comment). The API keeps only the hashes: scrypt (Node's crypto.scrypt,
 * memory-hard, so a stolen list is slow to guess through) with a random salt per user, written as
 * `scrypt$N$r$p$salt$key` (base64url), made by `node dist/clients/web/hash-password.js`.
 *
 * `verify` answers in about the same time whether the user exists or not (an unknown user is checked
 * against a hash of its own) and compares in constant time, so neither the answer's words (the sign-in
 * page says only that the pair is wrong) nor its timing tell which half was wrong.
 */

/** scrypt's cost for new hashes: N = 2^15, r = 8, p = 1 (OWASP's minimum for scrypt), 32 MiB of memory. */
export const SCRYPT_COST = { N: 32_768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** Enough for N = 2^15 with r = 8 (128 · N · r = 32 MiB), with room. */
const MAX_MEMORY = 64 * 1024 * 1024;
/** Passwords longer than this are refused before hashing: a megabyte "password" costs nothing to send. */
export const MAX_PASSWORD_LENGTH = 1_024;

const b64 = z.string().regex(/^[A-Za-z0-9_-]{16,200}$/, 'must be base64url');
const HashSchema = z
  .string()
  .regex(/^scrypt\$\d{1,7}\$\d{1,2}\$\d{1,2}\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/, 'must be scrypt$N$r$p$salt$key');

const UserEntrySchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, 'must be 1-100 letters, digits, dot, underscore, @ or hyphen'),
  role: z.enum(API_ROLES),
  hash: HashSchema,
});
export type WebUserEntry = z.infer<typeof UserEntrySchema>;

interface StoredHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  key: Buffer;
}

function parseHash(text: string): StoredHash {
  const [, n, r, p, salt, key] = text.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (!b64.safeParse(salt).success || !b64.safeParse(key).success) throw new Error('salt and key must be base64url');
  if (cost.N < 2 ** 14 || (cost.N & (cost.N - 1)) !== 0 || cost.N * cost.r * 128 > MAX_MEMORY || cost.p < 1)
    throw new Error('N must be a power of two of at least 16384, within 64 MiB of memory');
  return { cost, salt: Buffer.from(salt!, 'base64url'), key: Buffer.from(key!, 'base64url') };
}

const derive = (password: string, salt: Buffer, cost: ScryptOptions, length: number): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, { ...cost, maxmem: MAX_MEMORY }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

/** A new hash of `password` with a fresh random salt (what `hash-password` prints). */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < 12) throw new Error('a password needs at least 12 characters');
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new Error(`a password has at most ${MAX_PASSWORD_LENGTH} characters`);
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT_COST, KEY_LENGTH);
  const { N, r, p } = SCRYPT_COST;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** The entries of `REDRESS_WEB_USERS` or of its file; throws naming the entry and the field. */
export function parseWebUsers(text: string, source = 'REDRESS_WEB_USERS'): WebUserEntry[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .map((entry, i) => {
      const [id, role, hash, ...rest] = entry.split(':');
      const parsed = UserEntrySchema.safeParse({ id, role, hash });
      if (!parsed.success || rest.length > 0) {
        const why = parsed.success
          ? 'expected id:role:hash'
          : parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ');
        throw new Error(`${source} entry ${i + 1} (${id ?? ''}): ${why}`);
      }
      try {
        parseHash(parsed.data.hash);
      } catch (err) {
        throw new Error(`${source} entry ${i + 1} (${parsed.data.id}): hash ${(err as Error).message}`);
      }
      return parsed.data;
    });
}

export class WebUserStore {
  private readonly users = new Map<string, { principal: Principal; hash: StoredHash }>();
  /** What an unknown user is checked against, so it costs what a known one does. */
  private readonly decoy: StoredHash = {
    cost: SCRYPT_COST,
    salt: randomBytes(16),
    key: randomBytes(KEY_LENGTH),
  };

  constructor(entries: readonly WebUserEntry[]) {
    for (const e of entries) {
      if (this.users.has(e.id)) throw new Error(`web user ${e.id} is configured twice`);
      this.users.set(e.id, { principal: { id: e.id, role: e.role }, hash: parseHash(e.hash) });
    }
  }

  /** From `REDRESS_WEB_USERS`, else `REDRESS_WEB_USERS_FILE`; none configured: nobody signs in this way. */
  static fromEnv(env: NodeJS.ProcessEnv): WebUserStore {
    if (env.REDRESS_WEB_USERS) return new WebUserStore(parseWebUsers(env.REDRESS_WEB_USERS));
    const file = env.REDRESS_WEB_USERS_FILE;
    if (!file) return new WebUserStore([]);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the web users file ${file}: ${(err as Error).message}`);
    }
    return new WebUserStore(parseWebUsers(text, file));
  }

  get size(): number {
    return this.users.size;
  }

  /** The principal whose password this is, or undefined (unknown user and wrong password alike). */
  async verify(id: string, password: string): Promise<Principal | undefined> {
    if (password.length === 0 || password.length > MAX_PASSWORD_LENGTH || id.length > 100) return undefined;
    const user = this.users.get(id);
    const h = user?.hash ?? this.decoy;
    const key = await derive(password, h.salt, h.cost, h.key.length);
    const same = timingSafeEqual(key, h.key);
    return same && user ? user.principal : undefined;
  }
}

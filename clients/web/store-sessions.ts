import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { ApiRole, Principal } from '../../config/api-keys';
import { newSession, type Flash, type Session, type SessionLimits, type Sessions } from './sessions';
import type { Queryable } from '../../store/db';

/**
 * The pages' sessions in the complaint store (migration 0005), so two API processes behind a load
 * balancer share them: a sign-in on one is a session on the other, and a sign-out on either ends it. The
 * row is keyed by the token's SHA-256; the token itself lives only in the browser's cookie. Times come
 * from this process's clock (passed in), as the in-memory store's do, so both expire alike.
 *
 * The flash carries what a person typed into a form (an apology, a customer's account), so it is sealed
 * with AES-256-GCM under a key derived from the session token: the row alone, or a copy of the table,
 * cannot read it, and no key ring is needed because only the browser holding the token ever reads it back.
 */

const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const iso = (ms: number) => new Date(ms).toISOString();
const ms = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(String(v)));

/** A flash at rest: AES-256-GCM under HKDF(token), with the token's hash as associated data. */
interface SealedFlash {
  v: 1;
  iv: string;
  tag: string;
  data: string;
}

const flashKey = (presented: string) =>
  Buffer.from(hkdfSync('sha256', presented, Buffer.alloc(0), 'redress web-session flash v1', 32));

function sealFlash(presented: string, flash: Flash): SealedFlash {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', flashKey(presented), iv);
  cipher.setAAD(Buffer.from(sha256(presented)));
  const data = Buffer.concat([cipher.update(JSON.stringify(flash), 'utf8'), cipher.final()]);
  return {
    v: 1,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** The flash, or undefined when it cannot be opened (a row from before sealing, or tampered with): it is only a notice. */
function openFlash(presented: string, sealed: SealedFlash): Flash | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', flashKey(presented), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(sha256(presented)));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    return JSON.parse(text.toString('utf8')) as Flash;
  } catch {
    return undefined;
  }
}

interface Row {
  principal_id: string;
  role: string;
  csrf: string;
  expires_at: unknown;
  idle_until: unknown;
  flash: SealedFlash | null;
}

/**
 * How long a session's idle expiry may lag its last request: `get` moves `idle_until` on only when the
 * slide would move it by more than this, so a person clicking through pages costs the store a read per
 * page and a write a minute at most (the lazy touch of connect-mongo's `touchAfter`, say). The price: a
 * session is signed out after between `idleMs - slideAfterMs` and `idleMs` of disuse, never later.
 */
export const SLIDE_AFTER_MS = 60_000;

export class StoreSessions implements Sessions {
  constructor(
    private readonly db: Queryable,
    private readonly limits: Pick<SessionLimits, 'maxAgeMs' | 'idleMs'>,
    private readonly now: () => number = Date.now,
    private readonly slideAfterMs: number = SLIDE_AFTER_MS,
  ) {}

  async create(principal: Principal): Promise<Session> {
    const t = this.now();
    const session = newSession(principal, this.limits, t);
    await this.db.query(
      `INSERT INTO web_sessions (token_sha256, principal_id, role, csrf, created_at, expires_at, idle_until)
       VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::timestamptz)`,
      [
        sha256(session.id),
        principal.id,
        principal.role,
        session.csrf,
        iso(t),
        iso(session.expiresAt),
        iso(session.idleUntil),
      ],
    );
    return session;
  }

  async get(presented: string | undefined): Promise<Session | undefined> {
    if (presented === undefined || presented.length > 100) return undefined;
    const t = this.now();
    // One round trip: the live session (an expired one is not found; the sweep removes it), and its idle
    // expiry moved on only when that moves it by more than slideAfterMs (SLIDE_AFTER_MS): most page
    // views read and write nothing. LEAST keeps the absolute expiry, and near it the slide stops writing.
    const { rows } = await this.db.query<Row>(
      `WITH live AS (
         SELECT token_sha256, principal_id, role, csrf, expires_at, idle_until, flash FROM web_sessions
         WHERE token_sha256 = $1 AND expires_at > $3::timestamptz AND idle_until > $3::timestamptz
       ), slid AS (
         UPDATE web_sessions w SET idle_until = LEAST(w.expires_at, $2::timestamptz) FROM live
         WHERE w.token_sha256 = live.token_sha256
           AND LEAST(w.expires_at, $2::timestamptz) > w.idle_until + $4::bigint * interval '1 millisecond'
         RETURNING w.idle_until
       )
       SELECT live.principal_id, live.role, live.csrf, live.expires_at,
         COALESCE(slid.idle_until, live.idle_until) AS idle_until, live.flash
       FROM live LEFT JOIN slid ON true`,
      [sha256(presented), iso(t + this.limits.idleMs), iso(t), this.slideAfterMs],
    );
    const r = rows[0];
    if (!r) return undefined;
    const flash = r.flash ? openFlash(presented, r.flash) : undefined;
    return {
      id: presented,
      principal: { id: r.principal_id, role: r.role as ApiRole },
      csrf: r.csrf,
      expiresAt: ms(r.expires_at),
      idleUntil: ms(r.idle_until),
      ...(flash ? { flash } : {}),
    };
  }

  async destroy(presented: string | undefined): Promise<void> {
    if (presented !== undefined)
      await this.db.query('DELETE FROM web_sessions WHERE token_sha256 = $1', [sha256(presented)]);
  }

  async setFlash(session: Session, flash: Flash): Promise<void> {
    session.flash = flash;
    await this.db.query('UPDATE web_sessions SET flash = $2::jsonb WHERE token_sha256 = $1', [
      sha256(session.id),
      JSON.stringify(sealFlash(session.id, flash)),
    ]);
  }

  async takeFlash(session: Session, path: string): Promise<Flash | undefined> {
    const flash = session.flash;
    if (flash?.path !== path) return undefined;
    delete session.flash;
    await this.db.query('UPDATE web_sessions SET flash = NULL WHERE token_sha256 = $1', [sha256(session.id)]);
    return flash;
  }

  async sweep(): Promise<void> {
    await this.db.query(
      'DELETE FROM web_sessions WHERE expires_at <= $1::timestamptz OR idle_until <= $1::timestamptz',
      [iso(this.now())],
    );
  }
}

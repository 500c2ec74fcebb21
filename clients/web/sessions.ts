import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../config/api-keys';
import type { DraftReport } from '../../domain/drafts/check';

/**
 * Sessions of the people's pages: the cookie carries a random token (32 bytes) and nothing else, so there
 * is nothing to sign and a stolen cookie dies with its expiry or a sign-out. With a complaint store they
 * are kept there (store-sessions.ts: keyed by the token's SHA-256, never the token), so every API
 * process behind a load balancer knows them and a restart signs no one out; without one, in memory.
 *
 * Each session holds its CSRF token (a synchronizer token: every form carries it and every POST is
 * checked against it) and a one-shot flash: what the last action's POST had to say, shown once by the
 * page it redirected to (post/redirect/get).
 */

/** What an action's POST leaves for the page it redirects to. */
export interface Flash {
  /** The page it is for (the complaint or the dashboard the form was on): shown there only. */
  path: string;
  /** The workflow's refusal, or a sentence of success. */
  message: string;
  kind: 'ok' | 'refused';
  /** The action whose form it concerns, so its form shows the errors and keeps what was typed. */
  action?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  /** A draft check's report, shown beside the form it checked (drafts-panel.ts). */
  draft?: DraftReport;
}

export interface Session {
  id: string;
  principal: Principal;
  csrf: string;
  /** Epoch ms after which the session is gone, however busy it is. */
  expiresAt: number;
  /** Epoch ms after which an idle session is gone; requests move it on (in the store, at most once a minute). */
  idleUntil: number;
  flash?: Flash;
}

export interface SessionLimits {
  /** The most a session lives (default 12 hours: a working day). */
  maxAgeMs: number;
  /** How long a session may sit unused (default 1 hour). */
  idleMs: number;
  /** The most sessions held at once; the oldest goes first (default 10,000). */
  maxSessions: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxAgeMs: 12 * 3_600_000,
  idleMs: 3_600_000,
  maxSessions: 10_000,
};

/** A new random token (a session's id, its CSRF token): 256 bits. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** A new session for `principal` at `t`, with its tokens and both expiries: one shape for every store. */
export function newSession(
  principal: Principal,
  limits: Pick<SessionLimits, 'maxAgeMs' | 'idleMs'>,
  t: number,
): Session {
  return {
    id: newToken(),
    principal,
    csrf: newToken(),
    expiresAt: t + limits.maxAgeMs,
    idleUntil: t + limits.idleMs,
  };
}

/** Whether two tokens are equal, in time that does not depend on where they differ. */
export function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Where sessions live: this process's memory ({@link SessionStore}), or the complaint store
 * (store-sessions.ts), which several API processes behind a load balancer share. A method may answer
 * at once or later; the pages await either.
 */
export interface Sessions {
  /** A new session for `principal` (a sign-in); its `id` (the token) goes in the cookie and nowhere else. */
  create(principal: Principal): Session | Promise<Session>;
  /** The live session with this token (its idle time restarted, or in the store within a minute of it), or undefined. */
  get(token: string | undefined): Session | undefined | Promise<Session | undefined>;
  /** Ends a session (sign-out). */
  destroy(token: string | undefined): void | Promise<void>;
  /** Leaves `flash` for the page the POST redirects to. */
  setFlash(session: Session, flash: Flash): void | Promise<void>;
  /** The flash left for the page at `path`, taken: it is shown once, and only there. */
  takeFlash(session: Session, path: string): Flash | undefined | Promise<Flash | undefined>;
  /** Drops every expired session (called now and then, so abandoned ones do not pile up). */
  sweep(): void | Promise<void>;
}

/** Sessions in this process's memory: for an API without a store (lists from Temporal), and the unit tests. */
export class SessionStore implements Sessions {
  // A Map keeps insertion order: its first entry is the oldest session.
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session for `principal` (a sign-in); its id goes in the cookie. */
  create(principal: Principal): Session {
    const t = this.now();
    while (this.sessions.size >= this.limits.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const session = newSession(principal, this.limits, t);
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (its idle time restarted), or undefined. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const t = this.now();
    if (t >= session.expiresAt || t >= session.idleUntil) {
      this.sessions.delete(id);
      return undefined;
    }
    session.idleUntil = Math.min(session.expiresAt, t + this.limits.idleMs);
    return session;
  }

  /** Ends a session (sign-out). */
  destroy(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  setFlash(session: Session, flash: Flash): void {
    session.flash = flash;
  }

  /** The flash left for the page at `path`, taken: it is shown once, and only there. */
  takeFlash(session: Session, path: string): Flash | undefined {
    const flash = session.flash;
    if (flash?.path !== path) return undefined;
    delete session.flash;
    return flash;
  }

  /** Drops every expired session (called now and then, so abandoned ones do not pile up until the cap). */
  sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (t >= s.expiresAt || t >= s.idleUntil) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}

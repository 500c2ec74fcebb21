import { StoreSessions } from '../../clients/web/store-sessions';
import type { Db } from '../../store/db';
import { DRIVERS, freshStore } from '../support/store';

/**
 * The pages' sessions in the store (migration 0005), on PGlite and on a real PostgreSQL: two API
 * processes (two `StoreSessions` on one database) share a session, the flash a form leaves is unreadable
 * in the table, and expiry, sign-out and the sweep act on both.
 */

const MINUTE = 60_000;
const LIMITS = { maxAgeMs: 60 * MINUTE, idleMs: 10 * MINUTE };
const TYPED = 'We are sorry Mrs Example, your account 12345678 was charged twice';

describe.each(DRIVERS)('web sessions in the store (%s)', (driver) => {
  let store: { db: Db; close: () => Promise<void> };
  let now = Date.parse('2026-12-02T12:00:00Z');
  const clock = () => now;
  beforeAll(async () => {
    store = await freshStore(driver);
  });
  afterAll(async () => {
    await store.close();
  });

  it('is one session for two API processes: signed in on one, seen and signed out on the other', async () => {
    const a = new StoreSessions(store.db, LIMITS, clock);
    const b = new StoreSessions(store.db, LIMITS, clock);
    const session = await a.create({ id: 'alice', role: 'operator' });
    const seen = await b.get(session.id);
    expect(seen).toMatchObject({ principal: { id: 'alice', role: 'operator' }, csrf: session.csrf });
    // The table holds the token's hash, never the token.
    const { rows } = await store.db.query<{ token_sha256: string }>('SELECT token_sha256 FROM web_sessions');
    expect(rows.map((r) => r.token_sha256)).not.toContain(session.id);
    await b.destroy(session.id);
    expect(await a.get(session.id)).toBeUndefined();
  });

  it('seals the flash: what was typed is not in the table, and only the token opens it, once, on its page', async () => {
    const a = new StoreSessions(store.db, LIMITS, clock);
    const b = new StoreSessions(store.db, LIMITS, clock);
    const session = await a.create({ id: 'bob', role: 'operator' });
    await a.setFlash(session, {
      path: '/ui/complaints/c-1',
      kind: 'refused',
      message: 'held',
      values: { text: TYPED },
    });
    const { rows } = await store.db.query<{ flash: unknown }>(
      'SELECT flash FROM web_sessions WHERE principal_id = $1',
      ['bob'],
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0]?.flash)).not.toContain('12345678');
    expect(JSON.stringify(rows[0]?.flash)).not.toContain('Mrs Example');

    const other = await b.get(session.id);
    expect(other?.flash?.values?.text).toBe(TYPED);
    if (!other) throw new Error('the session was not found');
    expect(await b.takeFlash(other, '/ui/dashboard')).toBeUndefined();
    expect(await b.takeFlash(other, '/ui/complaints/c-1')).toMatchObject({ message: 'held' });
    expect((await a.get(session.id))?.flash).toBeUndefined();
  });

  it('refuses a flash sealed under another token (a row copied between sessions opens nothing)', async () => {
    const a = new StoreSessions(store.db, LIMITS, clock);
    const one = await a.create({ id: 'carol', role: 'supervisor' });
    const two = await a.create({ id: 'carol', role: 'supervisor' });
    await a.setFlash(one, { path: '/ui/dashboard', kind: 'ok', message: 'done', values: { text: TYPED } });
    await store.db.query(
      `UPDATE web_sessions SET flash = (SELECT flash FROM web_sessions WHERE csrf = $1) WHERE csrf = $2`,
      [one.csrf, two.csrf],
    );
    expect((await a.get(two.id))?.flash).toBeUndefined();
    expect((await a.get(one.id))?.flash?.message).toBe('done');
  });

  it('ends a session idle too long or past its age, and the sweep removes the rows', async () => {
    const a = new StoreSessions(store.db, LIMITS, clock);
    const idle = await a.create({ id: 'dave', role: 'auditor' });
    const busy = await a.create({ id: 'erin', role: 'auditor' });
    // Used every 9 minutes, the busy one outlives its 10-minute idle limit up to its age.
    for (let i = 0; i < 6; i += 1) {
      now += 9 * MINUTE;
      expect(await a.get(busy.id)).toBeDefined();
    }
    now += 9 * MINUTE;
    // 63 minutes on: the idle one lapsed at 10, the busy one at its 60-minute age.
    expect(await a.get(idle.id)).toBeUndefined();
    expect(await a.get(busy.id)).toBeUndefined();
    await a.sweep();
    const { rows } = await store.db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM web_sessions WHERE principal_id IN ('dave', 'erin')",
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  // xmin is the transaction that last wrote a row: unchanged, a read wrote nothing.
  const rowOf = async (csrf: string) =>
    (
      await store.db.query<{ xmin: string; idle_until: unknown }>(
        'SELECT xmin::text AS xmin, idle_until FROM web_sessions WHERE csrf = $1',
        [csrf],
      )
    ).rows[0];
  const msOf = (v: unknown) => new Date(v as string | Date).getTime();

  it('slides the idle expiry with a write at most once a minute, and still lapses after the idle limit', async () => {
    const a = new StoreSessions(store.db, LIMITS, clock);
    const session = await a.create({ id: 'frank', role: 'operator' });
    const created = now;
    const before = await rowOf(session.csrf);
    now += 30_000;
    expect((await a.get(session.id))?.idleUntil).toBe(created + LIMITS.idleMs);
    expect(await rowOf(session.csrf)).toEqual(before);
    now += 31_000;
    // 61 s since the last slide: this read moves the expiry on, and writes the row.
    expect((await a.get(session.id))?.idleUntil).toBe(now + LIMITS.idleMs);
    const slid = await rowOf(session.csrf);
    expect(slid?.xmin).not.toBe(before?.xmin);
    expect(msOf(slid?.idle_until)).toBe(now + LIMITS.idleMs);
    // Read every 50 s for 20 minutes (twice the idle limit): alive throughout, written every other read.
    let writes = 0;
    let xmin = slid?.xmin;
    for (let i = 0; i < 24; i += 1) {
      now += 50_000;
      expect(await a.get(session.id)).toBeDefined();
      const r = await rowOf(session.csrf);
      if (r?.xmin !== xmin) writes += 1;
      xmin = r?.xmin;
    }
    expect(writes).toBe(12);
    // Left alone, it lapses within the idle limit of the last read, and no more than a minute before.
    const lapses = msOf((await rowOf(session.csrf))?.idle_until);
    expect(lapses).toBeLessThanOrEqual(now + LIMITS.idleMs);
    expect(lapses).toBeGreaterThan(now + LIMITS.idleMs - 60_000);
    now = lapses;
    expect(await a.get(session.id)).toBeUndefined();
  });

  it('stops writing near the absolute expiry, and ends the session at it however busy', async () => {
    const a = new StoreSessions(store.db, { maxAgeMs: 12 * MINUTE, idleMs: 10 * MINUTE }, clock);
    const created = now;
    const session = await a.create({ id: 'gina', role: 'operator' });
    now = created + 5 * MINUTE;
    // The slide is held at the absolute expiry, never beyond it.
    expect((await a.get(session.id))?.idleUntil).toBe(session.expiresAt);
    const held = await rowOf(session.csrf);
    now = created + 11.5 * MINUTE;
    expect((await a.get(session.id))?.idleUntil).toBe(session.expiresAt);
    expect(await rowOf(session.csrf)).toEqual(held);
    now = session.expiresAt;
    expect(await a.get(session.id)).toBeUndefined();
  });
});

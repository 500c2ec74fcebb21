import { sameToken, SessionStore } from '../../clients/web/sessions';

const principal = { id: 'alice', role: 'operator' as const };

describe('the pages’ sessions', () => {
  it('gives each sign-in a random id and CSRF token, and finds the session by its id only', () => {
    const store = new SessionStore();
    const a = store.create(principal);
    const b = store.create(principal);
    expect(a.id).not.toBe(b.id);
    expect(a.csrf).not.toBe(a.id);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.get(a.id)?.principal).toEqual(principal);
    expect(store.get('nope')).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
  });

  it('ends a session when idle too long, and at its maximum age however busy', () => {
    let now = 0;
    const store = new SessionStore({ maxAgeMs: 10_000, idleMs: 3_000, maxSessions: 10 }, () => now);
    const idle = store.create(principal);
    const busy = store.create(principal);
    for (now = 2_000; now <= 9_000; now += 2_000) expect(store.get(busy.id)).toBeDefined();
    expect(store.get(idle.id)).toBeUndefined();
    now = 10_000;
    expect(store.get(busy.id)).toBeUndefined();
  });

  it('ends a session at sign-out and drops the oldest beyond the cap', () => {
    const store = new SessionStore({ maxAgeMs: 60_000, idleMs: 60_000, maxSessions: 2 });
    const first = store.create(principal);
    const second = store.create(principal);
    store.create(principal);
    expect(store.get(first.id)).toBeUndefined();
    expect(store.size).toBe(2);
    store.destroy(second.id);
    expect(store.get(second.id)).toBeUndefined();
  });

  it('shows a flash once, on the page it was left for', () => {
    const store = new SessionStore();
    const s = store.create(principal);
    s.flash = { path: '/ui/complaints/c-1', kind: 'refused', message: 'no' };
    expect(store.takeFlash(s, '/ui/dashboard')).toBeUndefined();
    expect(store.takeFlash(s, '/ui/complaints/c-1')?.message).toBe('no');
    expect(store.takeFlash(s, '/ui/complaints/c-1')).toBeUndefined();
  });

  it('compares tokens whole', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
  });
});

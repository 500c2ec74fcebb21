import { cachedFor } from '../../clients/api/operations';

describe('cachedFor: the answer of /health and /metrics, computed once and shared', () => {
  it('reuses an answer for its time to live, then computes it again', async () => {
    let t = 0;
    let calls = 0;
    const get = cachedFor(
      2_000,
      () => Promise.resolve(++calls),
      () => t,
    );
    expect(await get()).toBe(1);
    t = 1_999;
    expect(await get()).toBe(1);
    t = 2_000;
    expect(await get()).toBe(2);
    expect(calls).toBe(2);
  });

  it('shares one computation among callers that arrive while it runs, even with no time to live', async () => {
    let calls = 0;
    let release: (v: string) => void = () => undefined;
    const get = cachedFor(0, () => {
      calls += 1;
      return new Promise<string>((resolve) => (release = resolve));
    });
    const waiting = [get(), get(), get()];
    release('ok');
    expect(await Promise.all(waiting)).toEqual(['ok', 'ok', 'ok']);
    expect(calls).toBe(1);
    // Done, and nothing kept: the next caller computes again.
    void get();
    expect(calls).toBe(2);
  });

  it('keeps no failure: the next caller tries again', async () => {
    let calls = 0;
    const get = cachedFor(60_000, () => (++calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve('up')));
    await expect(get()).rejects.toThrow('down');
    expect(await get()).toBe('up');
    expect(calls).toBe(2);
  });
});

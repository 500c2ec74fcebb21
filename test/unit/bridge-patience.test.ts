import { Patience } from '../../workers/bridge/patience';

describe('Patience: how long the bridge retries a message', () => {
  const limits = { unknownComplaintWaitMs: 30_000, maxInternalAttempts: 5 };

  it('lets a fact wait for its complaint while intake is behind, up to the bound from its first attempt', () => {
    const p = new Patience(limits);
    expect(p.unknownComplaint('7', 1_000, 12n)).toEqual({ action: 'wait', waitedMs: 0 });
    expect(p.unknownComplaint('7', 30_999, 12n)).toEqual({ action: 'wait', waitedMs: 29_999 });
    expect(p.waitedOut('7', 30_999)).toBe(false);
    // Steady intake never reaches zero lag: the bound decides, 30 s after the first attempt.
    expect(p.unknownComplaint('7', 31_000, 12n)).toEqual({ action: 'last-try', waitedMs: 30_000 });
    expect(p.waitedOut('7', 31_000)).toBe(true);
  });

  it('gives a fact its last try at once when intake has caught up', () => {
    const p = new Patience(limits);
    expect(p.unknownComplaint('3', 5_000, 0n)).toEqual({ action: 'last-try', waitedMs: 0 });
  });

  it('keeps each offset apart, and forgets one that is done', () => {
    const p = new Patience(limits);
    p.unknownComplaint('1', 0, 5n);
    expect(p.unknownComplaint('2', 40_000, 5n).action).toBe('wait');
    p.forget('1');
    expect(p.unknownComplaint('1', 40_000, 5n)).toEqual({ action: 'wait', waitedMs: 0 });
    expect(p.size).toBe(2);
  });

  it('retries an unexpected error until the last attempt, then dead-letters', () => {
    const p = new Patience(limits);
    const decisions = [1, 2, 3, 4, 5].map(() => p.internalFailure('9'));
    expect(decisions.map((d) => d.action)).toEqual(['retry', 'retry', 'retry', 'retry', 'dead-letter']);
    expect(decisions[4]).toEqual({ action: 'dead-letter', attempt: 5 });
    p.forget('9');
    expect(p.internalFailure('9')).toEqual({ action: 'retry', attempt: 1 });
  });
});

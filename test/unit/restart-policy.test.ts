import { crashesInWindow, decideRestart, restartPolicyFromEnv, type RestartPolicy } from '../../infra/restart-policy';

const policy: RestartPolicy = { maxCrashes: 5, windowMs: 60_000, initialBackoffMs: 1_000, maxBackoffMs: 6_000 };

describe('decideRestart', () => {
  it('doubles the wait with each crash in the window, capped, with jitter in the upper half of the step', () => {
    const lowest = () => 0;
    const highest = () => 1;
    const at = (n: number) => Array.from({ length: n }, (_, i) => 1_000 * i);
    expect(decideRestart([], 10_000, policy, lowest)).toEqual({ action: 'restart', attempt: 1, delayMs: 500 });
    expect(decideRestart([], 10_000, policy, highest)).toEqual({ action: 'restart', attempt: 1, delayMs: 1_000 });
    expect(decideRestart(at(1), 10_000, policy, highest)).toEqual({ action: 'restart', attempt: 2, delayMs: 2_000 });
    expect(decideRestart(at(2), 10_000, policy, lowest)).toEqual({ action: 'restart', attempt: 3, delayMs: 2_000 });
    // 8 s capped at 6 s.
    expect(decideRestart(at(3), 10_000, policy, highest)).toEqual({ action: 'restart', attempt: 4, delayMs: 6_000 });
  });

  it('gives up on the fifth crash within the window', () => {
    expect(decideRestart([1_000, 2_000, 3_000, 4_000], 5_000, policy)).toEqual({
      action: 'give-up',
      crashes: 5,
      windowMs: 60_000,
    });
  });

  it('forgets crashes older than the window, so a process that crashed long ago starts from the shortest wait', () => {
    const old = [0, 1_000, 2_000, 3_000];
    expect(decideRestart(old, 63_500, policy, () => 1)).toEqual({ action: 'restart', attempt: 1, delayMs: 1_000 });
    expect(crashesInWindow([...old, 62_000], 63_500, policy)).toEqual([62_000]);
  });
});

describe('restartPolicyFromEnv', () => {
  it('reads every setting, with the documented defaults', () => {
    expect(restartPolicyFromEnv({})).toEqual({
      maxCrashes: 5,
      windowMs: 60_000,
      initialBackoffMs: 500,
      maxBackoffMs: 30_000,
    });
    expect(
      restartPolicyFromEnv({
        REDRESS_STACK_MAX_CRASHES: '3',
        REDRESS_STACK_CRASH_WINDOW_MS: '10000',
        REDRESS_STACK_BACKOFF_MS: '100',
        REDRESS_STACK_BACKOFF_MAX_MS: '200',
      }),
    ).toEqual({ maxCrashes: 3, windowMs: 10_000, initialBackoffMs: 100, maxBackoffMs: 200 });
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => restartPolicyFromEnv({ REDRESS_STACK_MAX_CRASHES: '0' })).toThrow(/REDRESS_STACK_MAX_CRASHES/);
    expect(() => restartPolicyFromEnv({ REDRESS_STACK_CRASH_WINDOW_MS: 'soon' })).toThrow(
      /REDRESS_STACK_CRASH_WINDOW_MS/,
    );
    expect(() =>
      restartPolicyFromEnv({ REDRESS_STACK_BACKOFF_MS: '500', REDRESS_STACK_BACKOFF_MAX_MS: '100' }),
    ).toThrow(/REDRESS_STACK_BACKOFF_MAX_MS: must be at least REDRESS_STACK_BACKOFF_MS/);
  });
});

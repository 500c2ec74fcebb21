/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The tests' one polling helper: calls `check` until it returns something other than `false` or
 * `undefined` without throwing, and returns that; after `timeoutMs` it fails naming `what` and the
 * last error. A check can be a predicate (`() => count >= 3`) or a read with assertions that throws
 * until the state it expects has arrived.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 120_000,
  intervalMs = 250,
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined) return value as Exclude<T, false | undefined>;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const because = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${because}`, { cause: last });
    }
    await sleep(intervalMs);
  }
}

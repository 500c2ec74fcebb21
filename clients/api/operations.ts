/**
 * `/health` and `/metrics` are unauthenticated and scraped by machines, so each must cost the same
 * whoever calls it and however often: its answer is computed at most once per `ttlMs` and shared, and
 * callers arriving while it is being computed wait for that one computation instead of starting another.
 * A failed computation is not kept, so the next caller tries again.
 */

/** How long /health and /metrics answers are reused by default (REDRESS_API_OPERATIONS_CACHE_MS). */
export const DEFAULT_OPERATIONS_CACHE_MS = 2_000;

/** Operations requests a minute per address by default (REDRESS_API_OPERATIONS_RATE_LIMIT). */
export const DEFAULT_OPERATIONS_RATE_LIMIT = 6_000;

/** `fn`, with its answer reused for `ttlMs` from when it was asked (0: only concurrent callers share one). */
export function cachedFor<T>(
  ttlMs: number,
  fn: () => Promise<T>,
  /** Injectable for tests; the process's monotonic clock otherwise. */
  now: () => number = () => performance.now(),
): () => Promise<T> {
  let current: { at: number; pending: boolean; value: Promise<T> } | undefined;
  return () => {
    const t = now();
    if (current && (current.pending || t - current.at < ttlMs)) return current.value;
    const entry = { at: t, pending: true, value: fn() };
    current = entry;
    entry.value.then(
      () => {
        entry.pending = false;
      },
      () => {
        entry.pending = false;
        if (current === entry) current = undefined;
      },
    );
    return entry.value;
  };
}

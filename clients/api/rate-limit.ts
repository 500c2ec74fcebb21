/**
 * A token bucket per caller: each caller may make `perMinute` requests a minute, in bursts of up to the
 * same number. In memory, per API process: behind a load balancer each replica limits on its own, which
 * bounds a caller to replicas × the limit — enough to stop a runaway script or key guessing, which is
 * what it is for.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    readonly perMinute: number,
    /** Injectable for tests; the API uses the process's monotonic clock. */
    private readonly now: () => number = () => performance.now(),
    /** Callers remembered at most; the least recently seen is forgotten first (it starts again with a full bucket). */
    private readonly maxCallers = 10_000,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one token for `caller`: 0 when allowed, otherwise the seconds until a token is free. */
  take(caller: string): number {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.delete(caller); // re-inserted last: the map's order is least recently seen first
    this.buckets.set(caller, bucket);
    if (this.buckets.size > this.maxCallers) this.evict();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  private evict(): void {
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}

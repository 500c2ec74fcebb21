/**
 * How long the bridge keeps retrying one message before it gives up and dead-letters it: the pure
 * decisions, per partition, kept free of Kafka and Temporal so each has a unit test.
 *
 * Two waits are bounded here. A fact whose complaint does not exist may be waiting for its
 * `complaint.received`, still unprocessed on the intake topic; under steady intake that topic never
 * has zero lag, so "wait until intake caught up" alone could hold the fact (and its partition's
 * commits) for ever. And an unexpected error (a bug, not an outage) would otherwise be retried for
 * ever. Outages (Temporal or Kafka away) are not bounded: they never dead-letter a good message.
 */

/** The bounds, from the bridge's settings. */
export interface PatienceLimits {
  /** How long a fact may wait for its complaint, from the first attempt that found none (default 30 s). */
  unknownComplaintWaitMs: number;
  /** Attempts at a message that fails with an unexpected error before it is dead-lettered (default 5). */
  maxInternalAttempts: number;
}

/** The defaults of {@link PatienceLimits}. */
export const DEFAULT_PATIENCE: PatienceLimits = { unknownComplaintWaitMs: 30_000, maxInternalAttempts: 5 };

/** What to do with a fact whose complaint has no workflow. */
export type UnknownComplaintDecision =
  /** Retry later: its complaint may still be on the intake topic. */
  | { action: 'wait'; waitedMs: number }
  /** Try once more, and dead-letter it if its complaint is still missing. */
  | { action: 'last-try'; waitedMs: number };

/** What to do after an unexpected error. */
export type InternalDecision = { action: 'retry'; attempt: number } | { action: 'dead-letter'; attempt: number };

/**
 * One partition's record of the messages it is retrying, by offset. Forget an offset once it is
 * done (delivered or dead-lettered); a partition revoked and assigned again starts afresh, which at
 * worst restarts a wait, never shortens one.
 */
export class Patience {
  private readonly firstMissing = new Map<string, number>();
  private readonly internalFailures = new Map<string, number>();

  constructor(private readonly limits: PatienceLimits = DEFAULT_PATIENCE) {}

  /**
   * A fact at `offset` found no workflow for its complaint at `now` (epoch ms), with `intakeBehind`
   * intake messages not yet processed. It waits while intake is behind and the bound has not passed;
   * once intake has caught up, or the bound has passed whatever the intake rate, it gets a last try.
   */
  unknownComplaint(offset: string, now: number, intakeBehind: bigint): UnknownComplaintDecision {
    const first = this.firstMissing.get(offset) ?? now;
    if (!this.firstMissing.has(offset)) this.firstMissing.set(offset, now);
    const waitedMs = now - first;
    if (intakeBehind > 0n && waitedMs < this.limits.unknownComplaintWaitMs) return { action: 'wait', waitedMs };
    return { action: 'last-try', waitedMs };
  }

  /** Whether the fact at `offset` has already waited its bound at `now`, so checking intake is pointless. */
  waitedOut(offset: string, now: number): boolean {
    const first = this.firstMissing.get(offset);
    return first !== undefined && now - first >= this.limits.unknownComplaintWaitMs;
  }

  /** The message at `offset` failed with an unexpected error: retry it, or dead-letter it after the last attempt. */
  internalFailure(offset: string): InternalDecision {
    const attempt = (this.internalFailures.get(offset) ?? 0) + 1;
    this.internalFailures.set(offset, attempt);
    return attempt >= this.limits.maxInternalAttempts
      ? { action: 'dead-letter', attempt }
      : { action: 'retry', attempt };
  }

  /** The message at `offset` is done: forget its waits. */
  forget(offset: string): void {
    this.firstMissing.delete(offset);
    this.internalFailures.delete(offset);
  }

  /** Offsets being retried, for tests and logs. */
  get size(): number {
    return new Set([...this.firstMissing.keys(), ...this.internalFailures.keys()]).size;
  }
}

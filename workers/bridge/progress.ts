/**
 * The pure parts of the bridge's batch processing: which offsets may be committed, how a batch is
 * split into per-complaint lanes, how long to back off, and how many deliveries run at once.
 * Kept free of Kafka and Temporal so each rule has a unit test.
 */

/**
 * Tracks the offsets of one fetched batch as they complete, in any order, and tells the highest
 * offset below which every message is done. Only that offset may be resolved (committed): a
 * message still in flight or waiting to retry must be fetched again after a crash.
 */
export class BatchProgress {
  private readonly done = new Set<string>();
  private index = 0;
  private resolved: string | undefined;

  /** `offsets` in the order Kafka delivered them (ascending). */
  constructor(private readonly offsets: readonly string[]) {}

  /** Marks an offset done; returns the new contiguous high offset when it moved, else undefined. */
  complete(offset: string): string | undefined {
    this.done.add(offset);
    const before = this.index;
    while (this.index < this.offsets.length && this.done.has(this.offsets[this.index]!)) this.index += 1;
    if (this.index === before) return undefined;
    this.resolved = this.offsets[this.index - 1];
    return this.resolved;
  }

  /** The highest offset with every earlier offset of the batch done, or undefined if the first is not. */
  get contiguous(): string | undefined {
    return this.resolved;
  }

  /** True when every offset of the batch is done. */
  get finished(): boolean {
    return this.index === this.offsets.length;
  }
}

/**
 * Splits a batch into lanes: the messages of one lane key (a complaint) in their original order,
 * lanes in order of first appearance. Lanes run concurrently; a lane runs one message at a time, so
 * one complaint's events reach Temporal in the order they were published.
 */
export function planLanes<T>(items: readonly T[], laneKey: (item: T) => string): T[][] {
  const lanes = new Map<string, T[]>();
  for (const item of items) {
    const key = laneKey(item);
    const lane = lanes.get(key);
    if (lane) lane.push(item);
    else lanes.set(key, [item]);
  }
  return [...lanes.values()];
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay added or removed at random, so paused partitions do not retry in lockstep. */
  jitter?: number;
  random?: () => number;
}

/** Exponential backoff for the `attempt`-th retry (1-based), capped, with jitter. */
export function backoffMs(attempt: number, o: BackoffOptions): number {
  const base = Math.min(o.maxMs, o.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  const jitter = o.jitter ?? 0.2;
  const factor = 1 - jitter + 2 * jitter * (o.random ?? Math.random)();
  return Math.max(1, Math.round(base * factor));
}

/**
 * A counting semaphore: at most `limit` deliveries in flight across every partition, so a burst on
 * many partitions cannot open thousands of concurrent calls to Temporal.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`semaphore limit must be a positive integer, got ${limit}`);
  }

  /** Waits for a slot; call the returned function exactly once to give it back. */
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) {
      this.active += 1;
    } else {
      // The slot is handed over by release(), so `active` already counts this waiter.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    };
  }

  get inUse(): number {
    return this.active;
  }
}

/**
 * Runs a check at most once at a time; callers that arrive while one runs share the next run, which
 * starts after the current one ends. Each caller gets a result of a check that started after it
 * asked, which is what makes "intake has caught up" safe to act on.
 */
export class CoalescedCheck<T> {
  private running: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(private readonly check: () => Promise<T>) {}

  run(): Promise<T> {
    if (!this.running) {
      const started = this.check();
      this.running = started;
      const clear = () => {
        if (this.running === started) this.running = undefined;
      };
      started.then(clear, clear);
      return started;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.run();
      });
    return this.queued;
  }
}

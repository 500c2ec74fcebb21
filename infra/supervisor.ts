import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { startManaged, tailFile, type ManagedProcess, type StartOptions } from './managed-process';
import { crashesInWindow, decideRestart, DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy';

/**
 * Runs a set of named processes and keeps them running: one that dies is started again after a backoff
 * (infra/restart-policy.ts), logged and counted, until one dies too often in a short time; then the
 * supervisor stops everything and says which one and why. The local stack (infra/stack.ts) runs its
 * servers and Redress's processes under it; nothing in it knows what the processes are.
 */
export interface ProcessSpec extends StartOptions {
  /**
   * Processes that must be running (ready) before this one starts, and before each of its restarts: a
   * worker is not restarted into a Temporal server that is itself coming back. Each must come earlier in
   * the list, so the list's order is a start order and its reverse a stop order.
   */
  dependsOn?: readonly string[];
  /** Overrides of the supervisor's policy for this process. */
  restart?: Partial<RestartPolicy>;
  /** Run after every start once the process is ready (e.g. idempotent provisioning); a failure fails the start. */
  afterReady?: () => Promise<void>;
}

/** Why the supervisor stopped on its own. */
export interface GiveUp {
  process: string;
  reason: string;
  logFile: string;
  logTail: string;
}

export interface SupervisorOptions {
  logger: Logger;
  policy?: RestartPolicy;
  /** Called after every start and restart (e.g. to record the process ids). */
  onStarted?: (name: string, pid: number | undefined) => void;
  /** For tests: the clock and the jitter source. */
  now?: () => number;
  random?: () => number;
}

interface Slot {
  spec: ProcessSpec;
  policy: RestartPolicy;
  proc?: ManagedProcess;
  ready: boolean;
  crashes: number[];
  restarts: number;
  /** The start (or restart) in progress, which a stop waits for before it stops the process. */
  launching?: Promise<void>;
}

/** How a process ended, in words and parts. */
interface Death {
  code: number | null;
  signal: NodeJS.Signals | null;
  how: string;
}

export class Supervisor {
  /** `redress_stack_restarts_total{process}`: the restarts begun, by process. */
  readonly metrics = new Registry();
  /** Resolves once everything has stopped: with the reason when the supervisor gave up, else undefined. */
  readonly stopped: Promise<GiveUp | undefined>;

  private readonly slots: Slot[];
  private readonly counter: Counter<'process'>;
  private readonly abort = new AbortController();
  /** Every start in progress, so a stop never returns while one is still bringing a process up. */
  private readonly launches = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly random: () => number;
  private stopping?: Promise<void>;
  private gaveUp: GiveUp | undefined;
  private resolveStopped!: (g: GiveUp | undefined) => void;

  constructor(
    specs: readonly ProcessSpec[],
    private readonly opts: SupervisorOptions,
  ) {
    const seen = new Set<string>();
    for (const s of specs) {
      if (seen.has(s.name)) throw new Error(`supervisor: two processes are named "${s.name}"`);
      for (const d of s.dependsOn ?? []) {
        if (!seen.has(d)) throw new Error(`supervisor: "${s.name}" depends on "${d}", which must come before it`);
      }
      seen.add(s.name);
    }
    const policy = opts.policy ?? DEFAULT_RESTART_POLICY;
    this.slots = specs.map((spec) => ({
      spec,
      policy: { ...policy, ...spec.restart },
      ready: false,
      crashes: [],
      restarts: 0,
    }));
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.counter = new Counter({
      name: 'redress_stack_restarts_total',
      help: 'Restarts of a process of the local stack after it died, by process',
      labelNames: ['process'],
      registers: [this.metrics],
    });
    for (const s of specs) this.counter.inc({ process: s.name }, 0);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /**
   * Starts every process once its dependencies are ready (independent ones in parallel) and watches
   * each from then on. If one does not start, stops what did and rethrows its error (a StartError names it).
   */
  async start(): Promise<void> {
    const results = await Promise.allSettled(
      this.slots.map((slot) =>
        this.firstStart(slot).catch((err: unknown) => {
          // At once, so the processes waiting on this one stop waiting.
          void this.stop();
          throw err;
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
  }

  /** Stops everything, newest dependency last, with no restarts; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** Restarts so far, by process. */
  restarts(): Record<string, number> {
    return Object.fromEntries(this.slots.map((s) => [s.spec.name, s.restarts]));
  }

  /** The process ids running now, by process (undefined while one is down). */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.slots.map((s) => [s.spec.name, s.ready ? s.proc?.child.pid : undefined]));
  }

  private async firstStart(slot: Slot): Promise<void> {
    if (!(await this.dependenciesReady(slot))) return;
    await this.launch(slot);
    void this.watch(slot);
  }

  private launch(slot: Slot): Promise<void> {
    const launching = (async () => {
      const proc = await startManaged({ ...slot.spec, signal: this.abort.signal });
      slot.proc = proc;
      try {
        await slot.spec.afterReady?.();
      } catch (err) {
        await proc.stop(5_000);
        throw err;
      }
      // A stop began while this came up: it may have passed this process already.
      if (this.stopping) return proc.stop();
      slot.ready = true;
      this.opts.onStarted?.(slot.spec.name, proc.child.pid);
    })();
    slot.launching = launching;
    this.launches.add(launching);
    void launching.catch(() => undefined).finally(() => this.launches.delete(launching));
    return launching;
  }

  /** Restarts `slot` whenever it dies, until the supervisor stops or gives up on it. */
  private async watch(slot: Slot): Promise<void> {
    const { logger } = this.opts;
    let death = this.deathOf(slot);
    for (;;) {
      const d = await death;
      slot.ready = false;
      if (this.stopping) return;
      const now = this.now();
      const decision = decideRestart(slot.crashes, now, slot.policy, this.random);
      slot.crashes = [...crashesInWindow(slot.crashes, now, slot.policy), now];
      const { name } = slot.spec;
      if (decision.action === 'give-up') {
        const seconds = decision.windowMs / 1000;
        void this.giveUp(slot, `${name} died ${decision.crashes} times within ${seconds} s, the last time ${d.how}`);
        return;
      }
      slot.restarts += 1;
      this.counter.inc({ process: name });
      logger.warn(
        {
          process: name,
          exitCode: d.code,
          signal: d.signal,
          attempt: decision.attempt,
          delayMs: decision.delayMs,
          log: slot.spec.logFile,
        },
        `${name} died (${d.how}); restarting it in ${decision.delayMs} ms (attempt ${decision.attempt})`,
      );
      await this.pause(decision.delayMs);
      if (!(await this.dependenciesReady(slot))) return;
      try {
        await this.launch(slot);
        if (this.stopping) return;
        logger.info({ process: name, pid: slot.proc?.child.pid, attempt: decision.attempt }, `${name} restarted`);
        death = this.deathOf(slot);
      } catch (err) {
        // A restart that does not come up counts as another death: the same backoff, the same limit.
        const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
        death = Promise.resolve({ code: null, signal: null, how: `and its restart failed: ${first}` });
      }
    }
  }

  private async deathOf(slot: Slot): Promise<Death> {
    const end = await (slot.proc as ManagedProcess).ended;
    const how = end.signal ? `killed by ${end.signal}` : `exit code ${String(end.code)}`;
    return { ...end, how };
  }

  /** Waits until every dependency of `slot` is ready; false when the supervisor stops first. */
  private async dependenciesReady(slot: Slot): Promise<boolean> {
    const deps = (slot.spec.dependsOn ?? []).map((d) => this.slots.find((s) => s.spec.name === d) as Slot);
    while (!this.stopping && !deps.every((d) => d.ready)) await this.pause(100);
    return !this.stopping;
  }

  private async giveUp(slot: Slot, reason: string): Promise<void> {
    if (this.stopping) return;
    this.gaveUp = { process: slot.spec.name, reason, logFile: slot.spec.logFile, logTail: tailFile(slot.spec.logFile) };
    this.opts.logger.error({ process: slot.spec.name, log: slot.spec.logFile }, `giving up: ${reason}`);
    await this.stop();
  }

  private async stopAll(): Promise<void> {
    this.abort.abort();
    for (const slot of [...this.slots].reverse()) {
      await slot.launching?.catch(() => undefined);
      slot.ready = false;
      await slot.proc?.stop();
    }
    await Promise.allSettled([...this.launches]);
    this.opts.logger.info({ restarts: this.restarts() }, 'all processes stopped');
    this.resolveStopped(this.gaveUp);
  }

  /** Sleeps `ms`, or less when the supervisor stops meanwhile. */
  private pause(ms: number): Promise<void> {
    const { signal } = this.abort;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

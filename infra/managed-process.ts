import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A child process with its output in a log file, a health check, and a clean stop. Used for the
 * Temporal dev server, the Kafka broker and Redress's own processes, so they all start, report
 * failures and stop the same way.
 */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited (after stop() or on its own): its code, null when a signal ended it. */
  exited: Promise<number | null>;
  /** The same moment with the signal too (`SIGKILL`), for whoever reports why a process died. */
  ended: Promise<ProcessEnd>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Polled until it resolves true; the process is considered started then. */
  healthy: () => Promise<boolean>;
  startTimeoutMs?: number;
  /**
   * Run before every start, a restart included: writes configuration, formats storage once. Whatever it
   * does must be safe to do again on the data a previous run left.
   */
  prepare?: () => void | Promise<void>;
  /** Aborting it gives up waiting for health: the process is stopped and the start fails. */
  signal?: AbortSignal;
}

/** Thrown when a component does not start: names it and carries the tail of its log. */
export class StartError extends Error {
  constructor(
    readonly component: string,
    reason: string,
    readonly logTail: string,
  ) {
    super(`${component} failed to start: ${reason}\n--- last lines of its log ---\n${logTail}`);
  }
}

/** The last `lines` lines of a file, or a note that it is empty. */
export function tailFile(path: string, lines = 30): string {
  if (!existsSync(path)) return '(no log written)';
  const all = readFileSync(path, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n') || '(log is empty)';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a process and waits until it is healthy; on failure stops it and throws {@link StartError}. */
export async function startManaged(opts: StartOptions): Promise<ManagedProcess> {
  await opts.prepare?.();
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  // Its own process group, so a stop reaches every process it forked (scripts that exec java, etc.).
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // A log that cannot be written (disk full) must not bring down the process that supervises.
  log.on('error', () => undefined);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let exitCode: number | null | undefined;
  const ended = new Promise<ProcessEnd>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolve({ code: exitCode, signal });
    });
    // The log closes when the pipes do, not at the exit: what the process's children still had in them
    // (a killed postmaster's backends) arrives after it, and a write to an ended log would throw.
    child.once('close', () => log.end());
    child.once('error', (err) => {
      log.write(`spawn error: ${err.message}\n`);
      exitCode = -1;
      log.end();
      resolve({ code: -1, signal: null });
    });
  });
  const exited = ended.then((e) => e.code);

  const stop = async (timeoutMs = 15_000): Promise<void> => {
    if (exitCode !== undefined || child.pid === undefined) return;
    signalGroup(child.pid, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!done) {
      signalGroup(child.pid, 'SIGKILL');
      await exited;
    }
  };

  const managed: ManagedProcess = { name: opts.name, child, logFile: opts.logFile, exited, ended, stop };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) {
      throw new StartError(opts.name, `exited with code ${String(exitCode)}`, tailFile(opts.logFile));
    }
    if (opts.signal?.aborted) {
      await stop(5_000);
      throw new StartError(opts.name, 'stopped while starting', tailFile(opts.logFile));
    }
    if (await opts.healthy().catch(() => false)) return managed;
    if (Date.now() > deadline) {
      await stop(5_000);
      throw new StartError(opts.name, `not healthy after ${opts.startTimeoutMs ?? 60_000} ms`, tailFile(opts.logFile));
    }
    await sleep(250);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Splits `host:port`. */
export function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port)) throw new Error(`expected host:port, got "${address}"`);
  return { host: address.slice(0, i), port };
}

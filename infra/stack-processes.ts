import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessSpec } from './supervisor';
import { repoRoot } from './paths';

/** What Redress's own processes need to know of the stack they run in. */
export interface RedressProcessesOptions {
  logDir: string;
  /** Every process's environment (the servers' addresses, the operator's settings). */
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  /** Extra environment of the projector and the API (the embedded store's port, or nothing). */
  storeEnv: { projector: NodeJS.ProcessEnv; api: NodeJS.ProcessEnv };
  /** The names of the servers' specs the processes depend on (those the stack starts itself). */
  servers: { temporal?: string; kafka?: string };
}

/** The line each of Redress's processes logs once it is serving (the API answers /health instead). */
export const READY_LINE = {
  worker: '"worker started"',
  bridge: '"bridge consuming"',
  projector: '"projector consuming"',
} as const;

/**
 * Ready when the log file, since this start, holds `text` (a line the process writes once it runs).
 * Only what was written after the start counts: the file is appended to across restarts, and the line
 * of the previous run must not make a restarted process look ready.
 */
export function logSaysSinceStart(file: string, text: string): Pick<ProcessSpec, 'prepare' | 'healthy'> {
  let from = 0;
  return {
    prepare: () => {
      from = existsSync(file) ? fstatSizeOf(file) : 0;
    },
    healthy: () => Promise.resolve(existsSync(file) && readFrom(file, from).includes(text)),
  };
}

function fstatSizeOf(file: string): number {
  const fd = openSync(file, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

function readFrom(file: string, from: number): string {
  const fd = openSync(file, 'r');
  try {
    const length = Math.max(0, fstatSync(fd).size - from);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, from);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The worker, the bridge, the projector and the API as process specs, each depending on the servers it
 * cannot work without (so a restart waits for them), the API on the projector too when the projector
 * serves it the embedded store.
 */
export function redressProcessSpecs(o: RedressProcessesOptions): ProcessSpec[] {
  const dist = join(repoRoot(), 'dist');
  const { temporal, kafka } = o.servers;
  const both = [temporal, kafka].filter((s): s is string => s !== undefined);
  const node = (
    name: string,
    script: string,
    ready: (logFile: string) => Pick<ProcessSpec, 'prepare' | 'healthy'>,
    dependsOn: string[],
    extraEnv: NodeJS.ProcessEnv = {},
  ): ProcessSpec => {
    const logFile = join(o.logDir, `${name}.log`);
    return {
      name,
      command: process.execPath,
      args: [join(dist, script)],
      env: { ...o.env, ...extraEnv },
      logFile,
      // The worker bundles the workflow code when it starts: tens of seconds on a busy machine.
      startTimeoutMs: 120_000,
      dependsOn,
      ...ready(logFile),
    };
  };
  const apiHealthy = async () => (await fetch(`${o.apiUrl}/health`).catch(() => null))?.ok ?? false;
  return [
    node('worker', 'workers/worker-main.js', (f) => logSaysSinceStart(f, READY_LINE.worker), both),
    node('bridge', 'workers/bridge-main.js', (f) => logSaysSinceStart(f, READY_LINE.bridge), both),
    node(
      'projector',
      'workers/projector/main.js',
      (f) => logSaysSinceStart(f, READY_LINE.projector),
      kafka ? [kafka] : [],
      o.storeEnv.projector,
    ),
    node(
      'api',
      'clients/api/main.js',
      () => ({ healthy: apiHealthy }),
      [...both, ...(o.storeEnv.projector.REDRESS_STORE_SERVE_PORT ? ['projector'] : [])],
      o.storeEnv.api,
    ),
  ];
}

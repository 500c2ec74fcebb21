import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartOptions } from './managed-process';

/**
 * A throwaway PostgreSQL server from Debian's `postgresql` package (infra/obtain.sh installs it), for the
 * store's tests on a real server besides PGlite. The server refuses to run as root, so when this process
 * is root every command runs as the `postgres` user, in a directory that user owns.
 */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback only). */
  url: string;
  port: number;
  dataDir: string;
  /** Starts the server again after {@link stop} (an outage test), on the same data. */
  start(): void;
  /** Stops the server, fast (`-m fast`: open connections are cut, as in an outage). */
  stop(): void;
}

/** The directory of the newest installed PostgreSQL's binaries, or undefined when none is installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin: string, args: string[]): void {
  const [command, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(command, argv, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${bin} ${args[0] ?? ''} failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-2_000)}`);
  }
}

/** Makes `dataDir` the postgres user's and creates a database cluster in it unless one is there. */
function initCluster(bin: string, dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dataDir, uid, gid);
  }
  const pgdata = join(dataDir, 'pgdata');
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    // initdb makes pgdata itself, owned by the user it runs as.
    run(join(bin, 'initdb'), ['-D', pgdata, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  }
  return pgdata;
}

function requireBin(): string {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: run `bash infra/obtain.sh postgres` (as root, Debian)');
  return bin;
}

/**
 * The server's settings: loopback only, the socket in the data directory (/var/run/postgresql may not
 * be writable). A throwaway server (the tests', the benchmarks') runs without fsync, which it does not
 * need; the cluster's keeps it, since surviving a crash is what the cluster is there to show.
 */
const serverArgs = (dataDir: string, port: number, durable = false): string[] => [
  '-c',
  'listen_addresses=127.0.0.1',
  '-p',
  String(port),
  '-k',
  dataDir,
  ...(durable ? [] : ['-c', 'fsync=off']),
];

/**
 * Creates a cluster in `dataDir` (when it holds none) and starts it on 127.0.0.1:`port`, in the
 * background (pg_ctl). Fails with what to do when PostgreSQL is not installed.
 */
export function startPostgresServer(opts: { dataDir: string; port: number }): PostgresServer {
  const bin = requireBin();
  const pgdata = initCluster(bin, opts.dataDir);
  const logFile = join(opts.dataDir, 'postgres.log');
  const serverOptions = serverArgs(opts.dataDir, opts.port).join(' ');
  const start = () => run(join(bin, 'pg_ctl'), ['-D', pgdata, '-l', logFile, '-o', serverOptions, '-w', 'start']);
  const stop = () => run(join(bin, 'pg_ctl'), ['-D', pgdata, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${opts.port}/postgres`,
    port: opts.port,
    dataDir: opts.dataDir,
    start,
    stop,
  };
}

/**
 * The same server as a foreground process to supervise (scripts/cluster): the postmaster itself, not
 * pg_ctl, so its death is seen and it is started again like any other part. Its backends share its
 * process group, so a stop or a SIGKILL of the group leaves no orphan holding the shared memory.
 */
export function postgresServerSpec(opts: {
  dataDir: string;
  port: number;
  logFile: string;
  healthy: () => Promise<boolean>;
}): StartOptions {
  const bin = requireBin();
  const postgres = join(bin, 'postgres');
  const pgdata = join(opts.dataDir, 'pgdata');
  const args = ['-D', pgdata, ...serverArgs(opts.dataDir, opts.port, true)];
  const [command, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', postgres, ...args]] : [postgres, args];
  return {
    name: 'postgres',
    command,
    args: argv,
    logFile: opts.logFile,
    startTimeoutMs: 60_000,
    prepare: async () => {
      initCluster(bin, opts.dataDir);
      await previousPostmasterGone(pgdata);
    },
    healthy: opts.healthy,
  };
}

/**
 * After a SIGKILL the old postmaster lingers a moment (a zombie until it is reaped), and a new one
 * refuses to start while the pid in postmaster.pid answers: wait for it (up to 15 s) rather than
 * spend restart attempts on "lock file already exists".
 */
async function previousPostmasterGone(pgdata: string): Promise<void> {
  const lock = join(pgdata, 'postmaster.pid');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

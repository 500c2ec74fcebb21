import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GiveUp, Supervisor } from './supervisor';

/**
 * What a runner of a supervised set of processes does around the supervisor, the same for the local
 * stack (infra/stack.ts) and the cluster (infra/cluster/main.ts): serve its restart counter, record the
 * running process ids so a runner killed outright leaves nothing behind for long, and say why it gave up.
 */

/** `/metrics`: the supervisor's restart counter, for Prometheus or a test to read. */
export function serveMetrics(supervisor: Supervisor, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics');
    supervisor.metrics.metrics().then(
      (text) => res.writeHead(200, { 'content-type': supervisor.metrics.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end((err as Error).message),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** Where a runner records `{ name: pid }` of what it runs, rewritten with every start and restart. */
export const pidFile = (dataDir: string, name = 'stack'): string => join(dataDir, `${name}.pids`);

export function recordPids(file: string, supervisor: Supervisor): void {
  writeFileSync(file, JSON.stringify(supervisor.pids()));
}

/**
 * Stops the process groups a previous runner recorded and did not stop (it was killed with SIGKILL, or
 * its terminal closed): otherwise they would hold the ports and the data directory's locks. The file is
 * `{ name: pid }` (an older stack wrote a list).
 */
export async function stopLeftovers(file: string, logger: Logger): Promise<void> {
  if (!existsSync(file)) return;
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const values: unknown[] = Array.isArray(recorded) ? recorded : Object.values(recorded as Record<string, unknown>);
  const pids = values.filter((p): p is number => typeof p === 'number');
  const left = pids.filter(groupAlive);
  if (left.length > 0) logger.warn({ pids: left }, 'stopping processes a previous run left behind');
  for (const pid of left) process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 60 && left.some(groupAlive); i++) await new Promise((r) => setTimeout(r, 250));
  for (const pid of left.filter(groupAlive)) process.kill(-pid, 'SIGKILL');
  rmSync(file, { force: true });
}

/** Whether any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Says which part the supervisor gave up on and why, with its log's last lines, on stderr and in the log. */
export function reportGiveUp(gaveUp: GiveUp, logger: Logger, what: string): void {
  logger.error({ process: gaveUp.process, log: gaveUp.logFile }, `${what} stopped: ${gaveUp.reason}`);
  process.stderr.write(`\n${gaveUp.reason}\n--- last lines of ${gaveUp.logFile} ---\n${gaveUp.logTail}\n`);
}

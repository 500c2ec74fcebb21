import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Supervisor, type ProcessSpec } from '../../infra/supervisor';
import { waitUntil } from '../support/wait';

/**
 * The supervisor's process side on real (tiny) child processes: `node -e` scripts that print a line
 * and wait, or die at once. Its decisions are restart-policy.test.ts's.
 */
const dir = mkdtempSync(join(tmpdir(), 'redress-supervisor-'));
const fast = { maxCrashes: 3, windowMs: 60_000, initialBackoffMs: 50, maxBackoffMs: 100 };
const logger = pino({ level: 'silent' });

function spec(name: string, script: string, extra: Partial<ProcessSpec> = {}): ProcessSpec {
  const logFile = join(dir, `${name}.log`);
  let started = 0;
  return {
    name,
    command: process.execPath,
    args: ['-e', script],
    logFile,
    startTimeoutMs: 10_000,
    // Each start counts, so the test can see restarts happen.
    prepare: () => {
      started += 1;
    },
    healthy: () => Promise.resolve(started > 0),
    ...extra,
  };
}
const waitsForever = "console.log('up'); setInterval(() => {}, 1000);";

it('restarts a process killed with SIGKILL, counts it, and a stop restarts nothing', async () => {
  const supervisor = new Supervisor([spec('a', waitsForever), spec('b', waitsForever, { dependsOn: ['a'] })], {
    logger,
    policy: fast,
  });
  await supervisor.start();
  const first = supervisor.pids().a!;
  process.kill(first, 'SIGKILL');
  const second = await waitUntil('a restarted', () => {
    const pid = supervisor.pids().a;
    return pid !== undefined && pid !== first ? pid : undefined;
  });
  expect(supervisor.restarts()).toEqual({ a: 1, b: 0 });
  expect(await supervisor.metrics.getSingleMetricAsString('redress_stack_restarts_total')).toContain(
    'redress_stack_restarts_total{process="a"} 1',
  );
  await supervisor.stop();
  expect(await supervisor.stopped).toBeUndefined();
  expect(supervisor.restarts()).toEqual({ a: 1, b: 0 });
  expect(() => process.kill(second, 0)).toThrow();
}, 30_000);

it('gives up after repeated crashes in the window, saying which process and why, with its log', async () => {
  const supervisor = new Supervisor(
    [
      spec('steady', waitsForever),
      spec('flaky', "console.log('cannot open the thing'); setTimeout(() => process.exit(3), 300);"),
    ],
    { logger, policy: fast },
  );
  await supervisor.start();
  const gaveUp = await supervisor.stopped;
  expect(gaveUp).toMatchObject({
    process: 'flaky',
    reason: 'flaky died 3 times within 60 s, the last time exit code 3',
  });
  expect(gaveUp?.logTail).toContain('cannot open the thing');
  expect(supervisor.restarts()).toEqual({ steady: 0, flaky: 2 });
  expect(supervisor.pids()).toEqual({ steady: undefined, flaky: undefined });
}, 30_000);

it('refuses a dependency that does not come earlier in the list, naming both', () => {
  expect(() => new Supervisor([spec('worker', waitsForever, { dependsOn: ['temporal'] })], { logger })).toThrow(
    'supervisor: "worker" depends on "temporal", which must come before it',
  );
});

it('a process that does not start stops the start, and those waiting on it are never started', async () => {
  const supervisor = new Supervisor(
    [
      spec('server', 'process.exit(2);', { healthy: () => Promise.resolve(false) }),
      spec('client', waitsForever, { dependsOn: ['server'] }),
    ],
    { logger, policy: fast },
  );
  await expect(supervisor.start()).rejects.toThrow('server failed to start: exited with code 2');
  expect(await supervisor.stopped).toBeUndefined();
  expect(supervisor.pids()).toEqual({ server: undefined, client: undefined });
}, 30_000);

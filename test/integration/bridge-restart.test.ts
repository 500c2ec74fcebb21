import { join } from 'node:path';
import { DEFAULT_TOPICS } from '../../domain/topics';
import type { ManagedProcess } from '../../infra/managed-process';
import {
  complaintStream,
  exactlyOnceProblems,
  groupCaughtUp,
  logLines,
  publishAll,
  spawnBridge,
} from '../support/bridge-harness';
import { waitUntil } from '../support/wait';
import { testKafka } from '../support/kafka';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The real bridge process (dist/workers/bridge-main.js) stopped in the middle of a stream: with
 * SIGTERM it finishes and commits what it has, so its successor delivers nothing twice; with
 * SIGKILL it commits nothing more, its successor redelivers, and the workflows absorb it.
 * The worker runs in this process; the Temporal server and broker are the suite's.
 */
describe('the bridge process stopped mid-stream', () => {
  let stack: TestStack;
  let env: NodeJS.ProcessEnv;
  let logDir: string;
  const running: ManagedProcess[] = [];
  const opened = (prefix: string): number =>
    new Set(
      stack.collector
        .find<{ type: string; complaintId: string }>(
          stack.config.topics.lifecycle,
          (e) => e.type === 'complaint.opened',
        )
        .map((e) => e.complaintId)
        .filter((id) => id.startsWith(`${prefix}-`)),
    ).size;

  beforeAll(async () => {
    stack = await startTestStack('bridge-restart', { bridge: false });
    const prefix = stack.config.topics.intake.slice(0, -DEFAULT_TOPICS.intake.length);
    env = {
      REDRESS_TOPIC_PREFIX: prefix,
      TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
      REDRESS_BRIDGE_GROUP: stack.config.kafka.bridgeGroup,
      // A killed bridge holds its partitions until the group gives up on it; keep that short here.
      REDRESS_BRIDGE_SESSION_TIMEOUT_MS: '8000',
    };
    logDir = join(process.env.REDRESS_TEST_LOG_DIR ?? '/tmp', `bridge-restart-${Date.now()}`);
  });
  afterAll(async () => {
    for (const p of running) await p.stop();
    await stack?.stop();
  });

  const start = async (name: string) => {
    const logFile = join(logDir, `${name}.log`);
    const p = await spawnBridge(env, logFile);
    running.push(p);
    return { process: p, logFile };
  };
  const metricsUrl = async (logFile: string) => {
    await waitUntil('the metrics url', () => logLines(logFile, 'bridge metrics served').length > 0, 10_000);
    return String(logLines(logFile, 'bridge metrics served')[0]?.url);
  };
  const scrape = async (url: string) => (await fetch(url)).text();
  /** The sum of the delivered counter over its labels, from a Prometheus scrape. */
  const delivered = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('redress_bridge_messages_total{') && l.includes('outcome="delivered"'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  const caughtUp = () =>
    groupCaughtUp(testKafka(stack.config.kafka.brokers.join(',')), stack.config.kafka.bridgeGroup, [
      stack.config.topics.intake,
      stack.config.topics.events,
    ]);

  it('SIGTERM: finishes in-flight work, commits, exits 0; the next bridge delivers nothing twice', async () => {
    const stream = complaintStream(stack.config, 'term', 150, 1);
    const first = await start('term-1');
    const publishing = publishAll(stack.producer, stream.messages, { chunk: 10, pauseMs: 200 });
    const firstMetrics = await metricsUrl(first.logFile);
    await waitUntil('a fifth of the stream to be delivered', async () => delivered(await scrape(firstMetrics)) >= 60);
    await first.process.stop(30_000);
    expect(await first.process.exited).toBe(0);
    // The exit can beat the last log line to the file.
    await waitUntil('the stop to be logged', () => logLines(first.logFile, 'bridge stopped').length > 0, 10_000);
    const [stopped] = logLines(first.logFile, 'bridge stopped');
    const deliveredBefore = Number(stopped?.delivered);
    expect(deliveredBefore).toBeGreaterThan(0);
    expect(deliveredBefore).toBeLessThan(stream.messages.length);

    await publishing;
    const second = await start('term-2');
    await waitUntil('the second bridge to catch up', caughtUp);
    // Its metrics: what it delivered, and the lag it reports per partition (zero now).
    const text = await scrape(await metricsUrl(second.logFile));
    const lag = text.split('\n').filter((l) => l.startsWith('redress_bridge_consumer_lag{'));
    expect(lag.length).toBeGreaterThan(0);
    expect(lag.map((l) => Number(l.split(' ').pop()))).toEqual(lag.map(() => 0));

    // Nothing delivered by the first bridge was delivered again by the second.
    expect(deliveredBefore + delivered(text)).toBe(stream.messages.length);
    expect(await exactlyOnceProblems(stack.client, stack.config.temporal.taskQueue, stream)).toEqual([]);
    await second.process.stop();
    expect(await second.process.exited).toBe(0);
  }, 180_000);

  it('SIGKILL in a stream of 500 complaints: after a restart every complaint exists once and every fact applied once', async () => {
    const stream = complaintStream(stack.config, 'kill', 500, 1);
    const first = await start('kill-1');
    const publishing = publishAll(stack.producer, stream.messages, { chunk: 50, pauseMs: 50 });
    await waitUntil('150 complaints to open', () => opened('kill') >= 150);
    process.kill(-first.process.child.pid!, 'SIGKILL');
    expect(await first.process.exited).toBeNull();
    expect(logLines(first.logFile, 'bridge stopped')).toEqual([]);

    const second = await start('kill-2');
    await publishing;
    await waitUntil('the restarted bridge to catch up', caughtUp, 240_000);
    const problems = await exactlyOnceProblems(stack.client, stack.config.temporal.taskQueue, stream);
    expect(problems.slice(0, 20)).toEqual([]);
    // Nothing good was dead-lettered on the way.
    expect(stack.collector.find(stack.config.topics.dlq)).toEqual([]);
    await second.process.stop();
  }, 300_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManagedProcess } from '../../infra/managed-process';
import { temporalCli } from '../../infra/paths';
import { ensureSearchAttributes } from '../../infra/search-attributes';
import { startTemporalServer } from '../../infra/temporal-server';
import {
  complaintStream,
  exactlyOnceProblems,
  groupCaughtUp,
  publishAll,
  startBridgeStack,
  type BridgeStack,
} from '../support/bridge-harness';
import { sleep, waitUntil } from '../support/wait';
import { freePort } from '../../infra/free-port';

const OUTAGE_MS = 30_000;

/**
 * A Temporal server of this test's own (file-backed, so a restart keeps its workflows), stopped for
 * 30 seconds in the middle of a stream while Kafka keeps receiving complaints.
 */
describe('the Temporal server stopped for 30 seconds mid-stream', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-outage-'));
  let port: number;
  let temporal: ManagedProcess | undefined;
  let stack: BridgeStack;
  const startTemporal = async () => {
    temporal = await startTemporalServer({
      cli: temporalCli(),
      host: '127.0.0.1',
      port,
      uiPort: 0,
      dataDir,
      namespace: 'default',
      logFile: join(dataDir, 'temporal.log'),
    });
  };

  beforeAll(async () => {
    port = await freePort();
    await startTemporal();
    await ensureSearchAttributes(`127.0.0.1:${port}`, 'default');
    // Short calls, so the bridge notices the outage quickly.
    stack = await startBridgeStack(
      'bridge-outage',
      { TEMPORAL_ADDRESS: `127.0.0.1:${port}` },
      { callTimeoutMs: 3_000 },
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await temporal?.stop();
  });

  it('pauses the bridge, dead-letters nothing, and loses nothing', async () => {
    const { bridge, config } = stack;
    const stream = complaintStream(config, 'outage', 200, 1);
    const half = Math.floor(stream.messages.length / 2);
    await publishAll(stack.producer, stream.messages.slice(0, half));
    await waitUntil('some of the stream to be delivered', () => bridge.stats.delivered >= 60);

    await temporal!.stop();
    const outageStarted = Date.now();
    const retriesBefore = bridge.stats.transientRetries;
    // The rest of the stream arrives while Temporal is down.
    await publishAll(stack.producer, stream.messages.slice(half));

    const pausedPartitions = async () => (await bridge.metrics.paused.get()).values.filter((v) => v.value === 1).length;
    // Both at once: a partition can already be paused for a moment when Temporal stops (an event that
    // came before its complaint's intake waits for it), so a pause alone does not show the outage's.
    await waitUntil(
      'the bridge to retry and pause on the outage',
      async () => bridge.stats.transientRetries > retriesBefore && (await pausedPartitions()) > 0,
      OUTAGE_MS,
    );
    const deliveredDuringOutage = bridge.stats.delivered;
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
    // Nothing got through, and nothing good was given up on.
    expect(bridge.stats.delivered).toBe(deliveredDuringOutage);
    expect(bridge.stats.deadLettered).toBe(0);
    expect(stack.collector.find(config.topics.dlq)).toEqual([]);

    await startTemporal();
    await waitUntil(
      'the bridge to resume and catch up',
      () => groupCaughtUp(stack.kafka, config.kafka.bridgeGroup, [config.topics.intake, config.topics.events]),
      180_000,
    );
    expect(bridge.stats.delivered).toBeGreaterThan(deliveredDuringOutage);
    await waitUntil('every partition to be resumed', async () => (await pausedPartitions()) === 0, 30_000);
    expect(await exactlyOnceProblems(stack.client, config.temporal.taskQueue, stream)).toEqual([]);
    expect(bridge.stats.deadLettered).toBe(0);
    expect(stack.collector.find(config.topics.dlq)).toEqual([]);
  }, 240_000);
});

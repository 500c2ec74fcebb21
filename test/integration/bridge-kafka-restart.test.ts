import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafkaBroker } from '../../infra/kafka-broker';
import type { ManagedProcess } from '../../infra/managed-process';
import { kafkaLibs } from '../../infra/paths';
import { complaintStream, exactlyOnceProblems, groupCaughtUp, publishAll, startBridgeStack, type BridgeStack } from '../support/bridge-harness';
import { sleep, waitUntil } from '../support/wait';
import { freePort } from '../../infra/free-port';

/**
 * A Kafka broker of this test's own (its log on disk, so a restart keeps every topic and offset),
 * restarted in the middle of a stream. The bridge's consumer and dead-letter producer, the worker's
 * producer (lifecycle events) and the upstream producer all lose the broker and must come back.
 */
describe('the Kafka broker restarted mid-stream', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-krestart-'));
  let ports: { port: number; controllerPort: number };
  let broker: ManagedProcess | undefined;
  let stack: BridgeStack;
  const startBroker = async () => {
    broker = await startKafkaBroker({
      libs: kafkaLibs(),
      host: '127.0.0.1',
      ...ports,
      dataDir,
      logFile: join(dataDir, 'kafka.log'),
      heapMb: 384,
    });
  };

  beforeAll(async () => {
    ports = { port: await freePort(), controllerPort: await freePort() };
    await startBroker();
    stack = await startBridgeStack('bridge-krestart', { KAFKA_BROKERS: `127.0.0.1:${ports.port}` });
  });
  afterAll(async () => {
    await stack?.stop();
    await broker?.stop();
  });

  it('reconnects producers and consumers, and loses nothing', async () => {
    const { bridge, config } = stack;
    const stream = complaintStream(config, 'krestart', 200, 1);
    // The upstream producer retries a send that fails while the broker is away, as it should.
    const publishing = publishAll(stack.producer, stream.messages, { chunk: 10, pauseMs: 100 });
    await waitUntil('some of the stream to be delivered', () => bridge.stats.delivered >= 60);

    await broker!.stop();
    const deliveredWhileDown = bridge.stats.delivered;
    await sleep(3_000);
    await startBroker();
    await publishing;

    await waitUntil(
      'the bridge to catch up after the restart',
      () => groupCaughtUp(stack.kafka, config.kafka.bridgeGroup, [config.topics.intake, config.topics.events]),
      180_000,
    );
    expect(bridge.stats.delivered).toBeGreaterThan(deliveredWhileDown);
    expect(await exactlyOnceProblems(stack.client, config.temporal.taskQueue, stream)).toEqual([]);
    // The worker's producer came back too: every complaint's acknowledgement reached the broker.
    const acknowledged = () =>
      new Set(
        stack.collector
          .find<{ type: string; complaintId: string }>(
            config.topics.lifecycle,
            (e) => e.type === 'complaint.acknowledged',
          )
          .map((e) => e.complaintId),
      );
    await waitUntil('every acknowledgement on the lifecycle topic', () => acknowledged().size === 200, 120_000);
    expect(bridge.stats.deadLettered).toBe(0);
    expect(stack.collector.find(config.topics.dlq)).toEqual([]);
  }, 240_000);
});

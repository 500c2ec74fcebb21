import {
  complaintStream,
  exactlyOnceProblems,
  groupCaughtUp,
  publishAll,
  startBridgeStack,
  type BridgeStack,
} from '../support/bridge-harness';
import { sleep, waitUntil } from '../support/wait';
import { DedicatedBroker } from '../support/dedicated-broker';

/**
 * A Kafka broker of this test's own (its log on disk, so a restart keeps every topic and offset),
 * restarted in the middle of a stream. The bridge's consumer and dead-letter producer, the worker's
 * producer (lifecycle events) and the upstream producer all lose the broker and must come back.
 */
describe('the Kafka broker restarted mid-stream', () => {
  const broker = new DedicatedBroker('krestart');
  let stack: BridgeStack;

  beforeAll(async () => {
    await broker.start();
    stack = await startBridgeStack('bridge-krestart', broker.env);
  });
  afterAll(async () => {
    await stack?.stop();
    await broker.stop();
  });

  it('reconnects producers and consumers, and loses nothing', async () => {
    const { bridge, config } = stack;
    const stream = complaintStream(config, 'krestart', 200, 1);
    // The upstream producer retries a send that fails while the broker is away, as it should.
    const publishing = publishAll(stack.producer, stream.messages, { chunk: 10, pauseMs: 100 });
    await waitUntil('some of the stream to be delivered', () => bridge.stats.delivered >= 60);

    await broker.stop();
    const deliveredWhileDown = bridge.stats.delivered;
    await sleep(3_000);
    await broker.start();
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

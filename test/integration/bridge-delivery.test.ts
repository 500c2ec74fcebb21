import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { complaintWorkflowId } from '../../domain/ids';
import { startBridge, type Bridge } from '../../workers/bridge/bridge';
import type { DeadLetter } from '../../domain/dead-letter';
import type { DeliveryTarget } from '../../workers/bridge/route';
import {
  groupCaughtUp,
  publishAll,
  workflowIdsOn,
  workflowStatus,
  type StreamMessage,
} from '../support/bridge-harness';
import { waitUntil } from '../support/wait';
import { receivedEvent } from '../support/fixtures';
import { testKafka } from '../support/kafka';
import { followUpEvent } from '../support/malformed';
import { probeQuery, type ProbeState } from '../support/bridge-probe-workflow';
import { startTestStack, type TestStack } from '../support/stack';
import { openLetter } from '../support/dead-letters';

/**
 * What the bridge does with each delivery, seen through a probe workflow that records every signal
 * and update in arrival order: per-complaint order under concurrency and across rebalances, updates
 * deduplicated by event id and refused ones dead-lettered, and facts for closed complaints.
 */
describe('the bridge delivering to a probe workflow', () => {
  let stack: TestStack;
  let worker: Worker;
  let connection: NativeConnection;
  let running: Promise<void>;
  let bridge: Bridge;
  let target: DeliveryTarget;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

  beforeAll(async () => {
    stack = await startTestStack('bridge-delivery', { bridge: false });
    const taskQueue = `${stack.config.temporal.taskQueue}-probe`;
    target = {
      workflowType: 'bridgeProbe',
      taskQueue,
      routes: {
        'customer.replied': { kind: 'signal', signal: 'recordFact' },
        'remedy.fulfilled': { kind: 'signal', signal: 'recordFact' },
        'remedy.failed': { kind: 'signal', signal: 'recordFact' },
        'survey.responded': { kind: 'update', update: 'answerSurvey' },
        'customer.withdrew': { kind: 'signal', signal: 'close' },
      },
    };
    connection = await NativeConnection.connect({ address: stack.config.temporal.address });
    worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('../support/bridge-probe-workflow'),
      dataConverter: stack.dataConverter, // the bridge's client encrypts what it sends
    });
    running = worker.run();
    bridge = await startBridge(stack.config, stack.client, logger, { target, maxInFlight: 32 });
  });
  afterAll(async () => {
    await bridge?.stop();
    worker?.shutdown();
    await running;
    await connection?.close();
    await stack?.stop();
  });

  const probe = (complaintId: string) =>
    stack.client.workflow.getHandle(complaintWorkflowId(complaintId)).query<ProbeState>(probeQuery);
  const received = (id: string): StreamMessage => ({
    topic: stack.config.topics.intake,
    key: id,
    value: JSON.stringify(receivedEvent(id, `evt-${id}`)),
  });
  const fact = (type: string, id: string, eventId: string, data?: Record<string, unknown>): StreamMessage => ({
    topic: stack.config.topics.events,
    key: id,
    value: JSON.stringify({ ...followUpEvent(type, id, eventId), ...(data ? { data } : {}) }),
  });
  const letters = () => stack.collector.find<DeadLetter>(stack.config.topics.dlq);
  const caughtUp = () =>
    groupCaughtUp(testKafka(stack.config.kafka.brokers.join(',')), stack.config.kafka.bridgeGroup, [
      stack.config.topics.intake,
      stack.config.topics.events,
    ]);

  it("keeps each complaint's facts in order across concurrent lanes and two rebalances", async () => {
    const complaints = Array.from({ length: 40 }, (_, i) => `order-${i}`);
    const facts = new Map(complaints.map((id) => [id, Array.from({ length: 10 }, (_, f) => `evt-${id}-${f}`)]));
    const stream: StreamMessage[] = complaints.map(received);
    for (let f = 0; f < 10; f++)
      for (const id of complaints) stream.push(fact('customer.replied', id, facts.get(id)![f]!));
    const half = stream.length / 2;

    await publishAll(stack.producer, stream.slice(0, half), { chunk: 20 });
    await waitUntil('some deliveries', () => bridge.stats.delivered >= 100);
    // A second member joins (the group rebalances), takes its share of the rest, then leaves (again).
    const second = await startBridge(stack.config, stack.client, logger, { target, maxInFlight: 32 });
    await publishAll(stack.producer, stream.slice(half), { chunk: 20 });
    await waitUntil('the second bridge to take part', () => second.stats.delivered > 0);
    await second.stop();
    await waitUntil('the group to catch up', caughtUp);

    expect(bridge.stats.delivered + second.stats.delivered).toBeGreaterThanOrEqual(stream.length);
    for (const id of complaints) {
      const { arrivals } = await probe(id);
      // Redelivery after a rebalance may repeat a fact; the first arrivals must be in published order.
      const firstArrivals = arrivals.filter((e, i) => arrivals.indexOf(e) === i);
      expect({ id, order: firstArrivals }).toEqual({ id, order: facts.get(id) });
    }
    expect(letters()).toEqual([]);
  });

  it('delivers an update with the event id as update id: twice delivered, once applied; a refusal is dead-lettered', async () => {
    await publishAll(stack.producer, [
      received('upd-1'),
      fact('survey.responded', 'upd-1', 'evt-upd-ok', { score: 5, confirmed: true }),
      fact('survey.responded', 'upd-1', 'evt-upd-ok', { score: 5, confirmed: true }),
      fact('survey.responded', 'upd-1', 'evt-upd-low', { score: 1, confirmed: true }),
    ]);
    await waitUntil('the refused update to be dead-lettered', () => letters().some((l) => l.eventId === 'evt-upd-low'));
    expect((await probe('upd-1')).updates).toEqual(['evt-upd-ok']);
    const [letter] = letters().filter((l) => l.eventId === 'evt-upd-low');
    expect(letter).toMatchObject({
      code: 'rejected',
      complaintId: 'upd-1',
      source: { topic: stack.config.topics.events },
    });
    // The refusal's words are sealed (they may quote the event); the clear reason names the type only.
    expect(letter!.reason).toMatch(/survey.responded refused/);
    expect(openLetter(letter!).detail).toMatch(/score 1 is refused/);
  });

  it('dead-letters a fact for a closed complaint, and counts a redelivered complaint.received as a duplicate', async () => {
    await publishAll(stack.producer, [received('closed-1'), fact('customer.withdrew', 'closed-1', 'evt-closed-bye')]);
    const handle = stack.client.workflow.getHandle(complaintWorkflowId('closed-1'));
    await waitUntil('the complaint to close', async () => (await workflowStatus(handle)) === 'COMPLETED');

    await publishAll(stack.producer, [fact('customer.replied', 'closed-1', 'evt-closed-late')]);
    await waitUntil('the late fact to be dead-lettered', () => letters().some((l) => l.eventId === 'evt-closed-late'));
    const [late] = letters().filter((l) => l.eventId === 'evt-closed-late');
    expect(late).toMatchObject({ code: 'unknown-complaint' });
    expect(late!.reason).toMatch(/closed-1 is closed \(COMPLETED\)/);

    const duplicatesBefore = bridge.stats.duplicates;
    await publishAll(stack.producer, [received('closed-1')]);
    await waitUntil(
      'the repeated complaint to be seen as a duplicate',
      () => bridge.stats.duplicates > duplicatesBefore,
    );
    expect(
      (await workflowIdsOn(stack.client, target.taskQueue)).filter((id) => id === complaintWorkflowId('closed-1')),
    ).toHaveLength(1);

    // A fact for a complaint that never existed says so.
    await publishAll(stack.producer, [fact('remedy.failed', 'never-1', 'evt-never')]);
    await waitUntil('the orphan fact to be dead-lettered', () => letters().some((l) => l.eventId === 'evt-never'));
    expect(letters().find((l) => l.eventId === 'evt-never')?.reason).toMatch(/never received/);
  });
});

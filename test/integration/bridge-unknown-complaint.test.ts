import pino from 'pino';
import type { DeadLetter } from '../../domain/dead-letter';
import { startBridge, type Bridge } from '../../workers/bridge/bridge';
import { workflowStatus } from '../support/bridge-harness';
import { sleep, waitUntil } from '../support/wait';
import { receivedEvent } from '../support/fixtures';
import { followUpEvent } from '../support/malformed';
import { startTestStack, type TestStack } from '../support/stack';
import { complaintWorkflowId } from '../../domain/ids';

/**
 * Issue 10, part 6: a fact for a complaint that does not exist is dead-lettered within a bounded time
 * whatever the intake rate (before, it waited for intake lag to be zero, which steady intake may never
 * give), and the messages after it keep flowing.
 */

/** The issue's bound: dead-lettered within 30 s. The bridge is configured tighter, so the test is quicker. */
const ISSUE_BOUND_MS = 30_000;
const CONFIGURED_WAIT_MS = 10_000;
const RATE_PER_SECOND = 20;
const PUBLISH_FOR_MS = 30_000;

describe('a fact for an unknown complaint under steady intake', () => {
  let stack: TestStack;
  let bridge: Bridge;
  beforeAll(async () => {
    stack = await startTestStack('bridge-unknown', { bridge: false });
    bridge = await startBridge(stack.config, stack.client, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), {
      patience: { unknownComplaintWaitMs: CONFIGURED_WAIT_MS },
    });
  });
  afterAll(async () => {
    await bridge?.stop();
    await stack?.stop();
  });

  it('is dead-lettered as unknown-complaint within the bound while 20 complaints a second keep arriving', async () => {
    const { topics } = stack.config;
    const run = Date.now().toString(36);
    const ghost = `ghost-${run}`;
    const before: string[] = [];
    const after: string[] = [];
    let lastPublishedAt = 0;
    let factAt: number | undefined;
    const started = Date.now();
    for (let i = 0; Date.now() - started < PUBLISH_FOR_MS; i++) {
      const id = `steady-${run}-${i}`;
      (factAt === undefined ? before : after).push(id);
      await stack.publish(topics.intake, id, receivedEvent(id, `evt-${id}`));
      lastPublishedAt = Date.now();
      if (factAt === undefined && Date.now() - started >= 5_000) {
        await stack.publish(topics.events, ghost, followUpEvent('customer.replied', ghost, `evt-${ghost}`));
        factAt = Date.now();
      }
      // A steady rate: the next message at its slot, however long the send took.
      await sleep(Math.max(0, started + ((i + 1) * 1_000) / RATE_PER_SECOND - Date.now()));
    }

    const [letter] = await stack.collector.waitFor<DeadLetter & { rejectedAt: string }>(
      topics.dlq,
      (l) => l.complaintId === ghost,
      1,
      ISSUE_BOUND_MS,
    );
    expect(letter).toMatchObject({ code: 'unknown-complaint', eventId: `evt-${ghost}` });
    expect(letter!.reason).toMatch(new RegExp(`no complaint ${ghost}`));
    // Within the issue's bound (the bridge waits 10 s, a third of it). A tighter figure would be a
    // timed assertion that fails for load on 2 busy cores (CI saw 15.5 s once): bench/ measures speed.
    const tookMs = Date.parse(letter!.rejectedAt) - factAt!;
    expect(tookMs).toBeLessThan(ISSUE_BOUND_MS);
    expect(bridge.stats.deadLettered).toBe(1);

    // The premise held: intake kept arriving after the letter was written (how fast the test's own
    // publisher manages on 2 busy cores is not the claim, so no rate is asserted).
    expect(lastPublishedAt).toBeGreaterThan(Date.parse(letter!.rejectedAt));
    // The intake after the fact was delivered: every complaint published after it was started...
    const missing = async () => {
      const statuses = await Promise.all(
        after.map((id) => workflowStatus(stack.client.workflow.getHandle(complaintWorkflowId(id)))),
      );
      return after.filter((_, i) => statuses[i] === undefined);
    };
    await waitUntil(
      'every complaint published after the fact to start',
      async () => (await missing()).length === 0,
      20_000,
    ).catch(() => undefined);
    expect(await missing()).toEqual([]);
    // ...and the last one was acknowledged.
    const last = after[after.length - 1]!;
    await stack.collector.waitFor(
      topics.lifecycle,
      (e: { complaintId?: string; type?: string }) => e.complaintId === last && e.type === 'complaint.acknowledged',
      1,
      // 600 complaints at 20 a second outrun one worker on 2 busy cores: its backlog takes a while.
      120_000,
    );
  }, 300_000);
});

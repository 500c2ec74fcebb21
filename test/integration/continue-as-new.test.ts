import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { complaintStartOptions } from '../../workflows/contract';
import { retryingAbortedUpdates } from '../../clients/update-retry';
import type { ManagedProcess } from '../../infra/managed-process';
import { temporalCli } from '../../infra/paths';
import { startTemporalServer } from '../../infra/temporal-server';
import * as m from '../../workflows/messages';
import type { ComplaintWorkflow } from '../../workflows/messages';
import { sleep, waitUntil } from '../support/wait';
import { freePort } from '../../infra/free-port';
import { complaintFixture } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * Continue-as-new on the real dev server, told to suggest it after a few dozen history events: a
 * complaint busy with facts and actions hands over to new runs again and again, and every signal and
 * update sent meanwhile — some of them while a run is handing over — is applied exactly once, with its
 * clocks, stage and timeline carried across.
 */
const SUGGEST_AFTER_EVENTS = 60;
const FACTS = 96;
const ACTIONS = 12;

describe('a complaint that continues as new', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-can-'));
  let server: ManagedProcess | undefined;
  let stack: TestStack;

  beforeAll(async () => {
    const port = await freePort();
    server = await startTemporalServer({
      cli: temporalCli(),
      host: '127.0.0.1',
      port,
      uiPort: 0,
      namespace: 'default',
      logFile: join(dir, 'temporal.log'),
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': SUGGEST_AFTER_EVENTS },
    });
    stack = await startTestStack('can', { bridge: false, env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await stack?.stop();
    await server?.stop();
  });

  it('hands over everything, and applies each signal and update once across the hand-overs', async () => {
    const complaintId = `can-${Date.now()}`;
    const input = {
      complaintId,
      complaint: complaintFixture({ receivedAt: new Date().toISOString() }),
      openedBy: { eventId: `evt-${complaintId}`, source: 'test' },
    };
    const handle = await stack.client.workflow.start<ComplaintWorkflow>(
      m.COMPLAINT_WORKFLOW,
      complaintStartOptions(input, stack.config.temporal.taskQueue),
    );
    const firstRunId = handle.firstExecutionRunId;
    const before = await handle.query(m.statusQuery);
    await waitUntil('intake', async () => (await handle.query(m.statusQuery)).stage === 'acknowledged');
    const deadlineBefore = (await handle.query(m.statusQuery)).clocks.find((c) => c.clock === 'final-response');
    expect(before.complaintId).toBe(complaintId);

    const actor = { id: 'op-1', role: 'operator' as const };
    // Actions come concurrently, from people; facts one after another, as the bridge delivers a
    // complaint's events (Temporal keeps the order only of signals sent in order).
    const actions: Promise<unknown>[] = [];
    const every = FACTS / ACTIONS;
    for (let i = 0; i < FACTS; i += 1) {
      const fact = {
        eventId: `reply-${i}`,
        source: 'test',
        occurredAt: new Date().toISOString(),
        data: { message: `reply ${i}` },
      };
      await handle.signal(m.customerRepliedSignal, fact);
      if (i % 3 === 0) await handle.signal(m.customerRepliedSignal, fact); // a redelivery
      if (i % every === 0) {
        const escalate = () =>
          retryingAbortedUpdates(() =>
            handle.executeUpdate(m.escalateUpdate, {
              args: [{ actor, reason: `escalation ${i / every}` }],
              updateId: `esc-${i / every}`,
            }),
          );
        actions.push(escalate());
        // The same update id again a little later: likely in another run, where Temporal cannot see it.
        actions.push(sleep(400).then(escalate));
      }
    }
    await Promise.all(actions);

    await waitUntil('the first run to have continued as new', async () => {
      const d = await stack.client.workflow.getHandle(handle.workflowId, firstRunId).describe();
      return d.status.name === 'CONTINUED_AS_NEW';
    });
    const timeline = await handle.query(m.timelineQuery);
    const replies = timeline.filter((e) => e.action === 'customer.replied').map((e) => e.eventId);
    expect(replies).toEqual(Array.from({ length: FACTS }, (_, i) => `reply-${i}`));
    // Concurrent actions have no order to keep (one aborted by a hand-over is retried later): each once.
    const escalations = timeline.filter((e) => e.action === 'escalated').map((e) => e.detail);
    expect([...escalations].sort()).toEqual(Array.from({ length: ACTIONS }, (_, n) => `escalation ${n}`).sort());

    const after = await handle.query(m.statusQuery);
    expect(after).toMatchObject({ stage: 'acknowledged', escalated: true });
    expect(after.clocks.find((c) => c.clock === 'final-response')?.deadline).toBe(deadlineBefore?.deadline);

    // The chain of runs, followed through each run's last event (visibility lags; histories do not),
    // none with a failed workflow task.
    const runs: string[] = [firstRunId];
    for (;;) {
      const history = await stack.client.workflow.getHandle(handle.workflowId, runs.at(-1)).fetchHistory();
      const next = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (!next) break;
      runs.push(next);
    }
    console.log(`runs of the complaint: ${runs.length}`);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const runId of runs) {
      const history = await stack.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      // An UnhandledCommand is the server sending a hand-over back to take in signals that arrived
      // meanwhile: the mechanism that keeps them, not a fault.
      const failed = (history.events ?? []).filter(
        (e) =>
          e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED &&
          e.workflowTaskFailedEventAttributes?.cause !==
            temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
      );
      expect(failed).toHaveLength(0);
    }
    // Each escalation published once, whatever run published it.
    type Event = { eventId: string; type: string; complaintId: string };
    const escalated = (e: Event) => e.complaintId === complaintId && e.type === 'complaint.escalated';
    await stack.collector.waitFor<Event>(stack.config.topics.lifecycle, escalated, ACTIONS);
    await sleep(1_000); // a duplicate would come right behind
    const published = stack.collector.find<Event>(stack.config.topics.lifecycle, escalated).map((e) => e.eventId);
    expect(new Set(published).size).toBe(ACTIONS);
    await handle.terminate('test finished');
  });
});

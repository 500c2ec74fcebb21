import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { COMPLAINT_UPDATED } from '../../domain/complaint-view';
import { DEFAULT_TOPICS } from '../../domain/topics';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition, SignalDefinition } from '@temporalio/common';
import { encodeHistory } from './history-file';
import type { Actor } from '../../domain/actor';
import type { Complaint } from '../../domain/complaint';
import { complaintWorkflowId } from '../../domain/ids';
import * as m from '../../workflows/messages';
import {
  COMPLAINT_WORKFLOW,
  statusQuery,
  timelineQuery,
  type ComplaintStatus,
  type ComplaintWorkflow,
  type TimelineEntry,
} from '../../workflows/messages';
import { complaintFixture } from './fixtures';
import { DAY, HOUR } from './time';
import { createTestWorker, RecordingPublisher, type Published } from './workflow-env';

export const operator: Actor = { id: 'agent-7', role: 'operator' };
export const supervisor: Actor = { id: 'sup-1', role: 'supervisor' };

/**
 * The engine new recordings are of (the legacy engine's histories are the files without a tag). Bump it
 * with the patch id when the workflow's commands change, so new recordings sit beside the old ones.
 */
export const RECORDING_ENGINE = 'outbox-engine';

/** Where recorded histories are kept for the replay tests (RECORD_HISTORIES=1 writes them). */
export const HISTORY_DIR = join(__dirname, '../replay/histories');

/** One complaint workflow under test on the time-skipping server, with what it published. */
export class ComplaintHarness {
  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly complaintId: string,
    readonly handle: WorkflowHandle<ComplaintWorkflow>,
    readonly published: RecordingPublisher,
  ) {}

  status(): Promise<ComplaintStatus> {
    return this.handle.query(statusQuery);
  }
  timeline(): Promise<TimelineEntry[]> {
    return this.handle.query(timelineQuery);
  }
  /** Runs an action (update) and returns the status it answered with. */
  act<I>(def: UpdateDefinition<ComplaintStatus, [I]>, input: I, updateId?: string): Promise<ComplaintStatus> {
    return this.handle.executeUpdate(def, { args: [input], ...(updateId ? { updateId } : {}) });
  }
  /** Sends a fact as the bridge would, then waits until the workflow has processed it. */
  async fact<D>(
    def: SignalDefinition<[{ eventId: string; source: string; occurredAt: string; data: D }]>,
    eventId: string,
    data: D,
  ): Promise<void> {
    await this.handle.signal(def, { eventId, source: 'test-upstream', occurredAt: new Date().toISOString(), data });
    await this.status(); // a query after a signal returns once the signal was applied
  }
  /** Lets workflow time pass (timers fire), then waits for the workflow to settle. */
  async sleep(ms: number): Promise<void> {
    await this.env.sleep(ms);
    await this.status();
  }
  /**
   * Lifecycle event types published so far, in order, without the record views (`complaint.updated`,
   * a stream of their own on the same topic: see `views`).
   */
  lifecycle(): string[] {
    return this.published.types(this.complaintId).filter((t) => t !== COMPLAINT_UPDATED);
  }
  /** The record views published so far (`complaint.updated`), in order. */
  views(): Array<Record<string, unknown>> {
    return this.records(DEFAULT_TOPICS.lifecycle, COMPLAINT_UPDATED).map((r) => r.value.data);
  }
  records(topic: string, type?: string): Published[] {
    return this.published.records.filter(
      (r) => r.topic === topic && r.key === this.complaintId && (!type || r.value.type === type),
    );
  }
  notifications(kind?: string): Array<Record<string, unknown>> {
    return this.records('complaints.notifications')
      .map((r) => r.value.data)
      .filter((d) => !kind || d.kind === kind);
  }
  async time(): Promise<number> {
    return this.env.currentTimeMs();
  }
}

let counter = 0;

/**
 * Starts one complaint on its own task queue and runs `body` while a worker serves it. With
 * RECORD_HISTORIES=1 the history is written to the replay corpus under `name`.
 */
export async function withComplaint(
  env: TestWorkflowEnvironment,
  name: string,
  overrides: Partial<Complaint> & { receivedAt?: string },
  body: (h: ComplaintHarness) => Promise<void>,
): Promise<void> {
  counter += 1;
  const complaintId = `${name}-${counter}`;
  const taskQueue = `tq-${complaintId}`;
  const published = new RecordingPublisher();
  const worker = await createTestWorker(env, taskQueue, published);
  await worker.runUntil(async () => {
    const receivedAt = overrides.receivedAt ?? new Date(await env.currentTimeMs()).toISOString();
    const handle = await env.client.workflow.start<ComplaintWorkflow>(COMPLAINT_WORKFLOW, {
      workflowId: complaintWorkflowId(complaintId),
      taskQueue,
      args: [
        {
          complaintId,
          complaint: complaintFixture({ ...overrides, receivedAt }),
          openedBy: { eventId: `evt-${complaintId}`, source: 'test' },
        },
      ],
    });
    const h = new ComplaintHarness(env, complaintId, handle, published);
    try {
      await h.status();
      await body(h);
      if (process.env.RECORD_HISTORIES === '1') {
        mkdirSync(HISTORY_DIR, { recursive: true });
        const history = await handle.fetchHistory();
        // A recorded history is never overwritten: each engine's recordings are files of their own.
        const file = join(HISTORY_DIR, `${name}@${RECORDING_ENGINE}.json`);
        if (existsSync(file)) console.warn(`kept the recorded ${file}; delete nothing, record a new scenario name`);
        else writeFileSync(file, encodeHistory(name, history), { flag: 'wx' });
      }
    } finally {
      // A workflow left running would have timers firing into a task queue nobody polls any more, and
      // the test server does not skip time while a workflow task is outstanding: later tests would hang.
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await handle.terminate('test finished');
    }
  });
}

export const customerIn = (jurisdiction: string) => ({ ...complaintFixture().customer, jurisdiction });

/** Expects an action (update) to be refused by the workflow, with a reason matching `reason`. */
export async function refused(p: Promise<unknown>, reason: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(String((err as WorkflowUpdateFailedError).cause?.message)).toMatch(reason);
}

/** Records the customer's account as confirmed on a call: listening done. */
export function listenOnCall(h: ComplaintHarness, account: string): Promise<ComplaintStatus> {
  return h.act(m.recordAccountUpdate, { actor: operator, account, confirmed: true, confirmedHow: 'on a call' });
}

/** Takes a complaint through listening, an apology, a remedy and the final response, to its survey. */
export async function toFollowUp(h: ComplaintHarness): Promise<void> {
  await listenOnCall(h, 'Wrong item sent');
  await h.act(m.apologiseUpdate, { actor: operator, text: 'Sorry we sent the wrong item.', faultAdmitted: true });
  await h.act(m.proposeRemedyUpdate, {
    actor: operator,
    kind: 'explanation',
    description: 'Explained the mix-up and how we fixed it',
  });
  await h.act(m.resolveUpdate, {
    actor: operator,
    response: 'final-response',
    outcome: 'upheld',
    reasons: 'A picking error.',
  });
  await h.sleep(2 * DAY + HOUR);
}

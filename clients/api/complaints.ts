import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type UpdateDefinition,
} from '@temporalio/common';
import type { Actor } from '../../domain/actor';
import { complaintWorkflowId } from '../../domain/ids';
import {
  COMPLAINT_WORKFLOW,
  statusQuery,
  timelineQuery,
  type ActionBase,
  type ComplaintInput,
  type ComplaintStatus,
  type ComplaintWorkflow,
  type TimelineEntry,
} from '../../workflows/messages';
import { conflict, notFound } from './errors';
import type { CreateComplaint } from './schemas';

/**
 * What the API asks of Temporal, with Temporal's outcomes mapped to the API's: an unknown complaint is a
 * 404, a refused action a 409 carrying the workflow's reason, an existing complaint the one that exists.
 */
export class Complaints {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  private handle(complaintId: string) {
    return this.client.workflow.getHandle<ComplaintWorkflow>(complaintWorkflowId(complaintId));
  }

  /**
   * Starts the complaint's workflow; `created` is false when one with that id already exists (running
   * or finished), which is then the complaint answered with — never a second one.
   */
  async submit(body: CreateComplaint, submittedBy: string): Promise<{ created: boolean; status: ComplaintStatus }> {
    const { complaintId, ...complaint } = body;
    const input: ComplaintInput = {
      complaintId,
      complaint: { ...complaint, receivedAt: complaint.receivedAt ?? new Date().toISOString() },
      // The submitting key is kept in the workflow's input (its history), as the bridge keeps the event's source.
      openedBy: { eventId: `api:${complaintId}`, source: `api:${submittedBy}` },
    };
    let created = true;
    try {
      await this.client.workflow.start<ComplaintWorkflow>(COMPLAINT_WORKFLOW, {
        workflowId: complaintWorkflowId(complaintId),
        taskQueue: this.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      created = false;
    }
    return { created, status: await this.statusAfterIntake(complaintId) };
  }

  /**
   * The status once intake has assessed the complaint (regime and deadlines known), which takes a
   * workflow task or two; after `waitMs` without it, the status as it is (stage `received`, regime
   * `pending`), so a slow worker never holds a submission open.
   */
  private async statusAfterIntake(complaintId: string, waitMs = 10_000): Promise<ComplaintStatus> {
    const deadline = Date.now() + waitMs;
    for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
      const status = await this.status(complaintId);
      if (status.regime !== 'pending' || Date.now() >= deadline) return status;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  async status(complaintId: string): Promise<ComplaintStatus> {
    return freshen(await this.read(complaintId, () => this.handle(complaintId).query(statusQuery)), Date.now());
  }

  async timeline(complaintId: string): Promise<TimelineEntry[]> {
    return this.read(complaintId, () => this.handle(complaintId).query(timelineQuery));
  }

  private async read<T>(complaintId: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`no complaint ${complaintId}`);
      throw err;
    }
  }

  /**
   * Runs a human action (a workflow update) as `actor`. `updateId` (from an Idempotency-Key) makes a
   * retried request return the first one's result instead of acting twice.
   */
  async act<I extends ActionBase>(
    complaintId: string,
    action: string,
    update: UpdateDefinition<ComplaintStatus, [I]>,
    input: Omit<I, 'actor'>,
    actor: Actor,
    updateId?: string,
  ): Promise<ComplaintStatus> {
    const args = [{ ...input, actor } as I] as [I];
    try {
      return await this.handle(complaintId).executeUpdate(update, { args, ...(updateId ? { updateId } : {}) });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause;
        if (cause instanceof ApplicationFailure && cause.type === 'ActionRefused') {
          throw conflict(cause.message, { action, stage: await this.stageOf(complaintId) });
        }
      }
      if (err instanceof WorkflowNotFoundError) {
        // A closed or withdrawn complaint's workflow has finished: it exists, and no action is possible.
        const stage = await this.stageOf(complaintId);
        if (stage !== undefined) {
          throw conflict(`complaint ${complaintId} is ${stage}: no further action can be taken`, { action, stage });
        }
        throw notFound(`no complaint ${complaintId}`);
      }
      throw err;
    }
  }

  /** The complaint's stage for an error's details, or undefined when it does not exist. */
  private async stageOf(complaintId: string): Promise<string | undefined> {
    try {
      return (await this.status(complaintId)).stage;
    } catch {
      return undefined;
    }
  }
}

/**
 * A query answers with the workflow's own time, which is the time of its last event: a complaint that
 * has been quiet for hours would report hours too many left. Time left is measured again on read.
 */
export function freshen(status: ComplaintStatus, now: number): ComplaintStatus {
  return {
    ...status,
    clocks: status.clocks.map((c) => (c.status === 'running' ? { ...c, timeLeftMs: Date.parse(c.deadline) - now } : c)),
  };
}

import type { ConversationPage } from '../../domain/conversation';
import type { SearchIndex } from '../../platform/search-index';
import {
  isGrpcDeadlineError,
  QueryNotRegisteredError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { retryingAbortedUpdates } from '../update-retry';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type UpdateDefinition,
} from '@temporalio/common';
import type { Actor } from '../../domain/actor';
import { complaintWorkflowId } from '../../domain/ids';
import { complaintStartOptions, REFUSAL } from '../../workflows/contract';
import {
  COMPLAINT_WORKFLOW,
  statusQuery,
  timelineQuery,
  conversationQuery,
  pageQuery,
  type ComplaintPageView,
  type ActionBase,
  type ComplaintInput,
  type ComplaintStatus,
  type ComplaintWorkflow,
  type TimelineEntry,
} from '../../workflows/messages';
import { intakeStatus } from '../../workflows/intake-status';
import { ApiError, conflict, forbidden, notFound, tooManyRequests, workerUnavailable } from './errors';
import type { CreateComplaint } from './schemas';

/**
 * How long the API waits for a worker: to answer a query, and to take an action (a workflow update).
 * Set by REDRESS_API_READ_TIMEOUT_MS and REDRESS_API_ACTION_TIMEOUT_MS.
 */
export interface WorkerTimeouts {
  readMs: number;
  actionMs: number;
}
export const DEFAULT_WORKER_TIMEOUTS: WorkerTimeouts = { readMs: 10_000, actionMs: 30_000 };

/**
 * What the API asks of Temporal, with Temporal's outcomes mapped to the API's: an unknown complaint is a
 * 404, a refused action a 409 carrying the workflow's reason, an existing complaint the one that exists.
 */
export class Complaints {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly timeouts: WorkerTimeouts = DEFAULT_WORKER_TIMEOUTS,
    /** Indexes each submitted summary for text search; without it, submissions are not searchable. */
    private readonly search?: SearchIndex,
  ) {}

  private handle(complaintId: string) {
    return this.client.workflow.getHandle<ComplaintWorkflow>(complaintWorkflowId(complaintId));
  }

  /**
   * Starts the complaint's workflow; `created` is false when one with that id already exists (running
   * or finished), which is then the complaint answered with — never a second one.
   */
  async submit(
    body: CreateComplaint,
    submittedBy: string,
  ): Promise<{ created: boolean; accepted?: boolean; status: ComplaintStatus }> {
    const { complaintId, ...complaint } = body;
    const input: ComplaintInput = {
      complaintId,
      complaint: { ...complaint, receivedAt: complaint.receivedAt ?? new Date().toISOString() },
      // The submitting key is kept in the workflow's input (its history), as the bridge keeps the event's source.
      openedBy: { eventId: `api:${complaintId}`, source: `api:${submittedBy}` },
      ...(this.search ? { searchTokens: this.search.tokensOf(complaint.summary) } : {}),
    };
    let created = true;
    try {
      await this.client.workflow.start<ComplaintWorkflow>(
        COMPLAINT_WORKFLOW,
        complaintStartOptions(input, this.taskQueue),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      created = false;
    }
    try {
      return { created, status: await this.statusAfterIntake(complaintId) };
    } catch (err) {
      // Started, and safe in Temporal, but no worker has taken it in yet: say so (202) rather than fail.
      if (created && err instanceof ApiError && err.statusCode === 503) {
        return {
          created,
          accepted: true,
          status: intakeStatus(input, Math.min(Date.parse(input.complaint.receivedAt), Date.now())),
        };
      }
      throw err;
    }
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

  /** Every message in and out, as the workflow keeps it (personal text: the route decides who reads it). */
  async conversation(complaintId: string): Promise<ConversationPage> {
    return this.read(complaintId, () => this.handle(complaintId).query(conversationQuery));
  }

  /**
   * Status, timeline and conversation in one query (the complaint page). A worker from before the `page`
   * query (a rolling deploy) does not know it: then the three it knows, one after the other.
   */
  async page(complaintId: string): Promise<ComplaintPageView> {
    try {
      const view = await this.read(complaintId, () => this.handle(complaintId).query(pageQuery));
      return { ...view, status: freshen(view.status, Date.now()) };
    } catch (err) {
      if (!(err instanceof QueryNotRegisteredError)) throw err;
      const status = await this.status(complaintId);
      const timeline = await this.timeline(complaintId);
      return { status, timeline, conversation: await this.conversation(complaintId) };
    }
  }

  /**
   * A query, bounded: a running complaint is answered by a worker, and with none polling Temporal would
   * hold the call for its own 30 s and then fail it as an internal error.
   */
  private async read<T>(complaintId: string, query: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeouts.readMs;
    try {
      return await this.client.withDeadline(deadline, query);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`no complaint ${complaintId}`);
      if (noWorkerAnswered(err, deadline)) {
        throw workerUnavailable(
          `no worker answered for complaint ${complaintId} within ${this.timeouts.readMs / 1000} s: try again shortly`,
        );
      }
      // Temporal holds one consistent query per workflow while a task is pending and refuses more with
      // RESOURCE_EXHAUSTED (history.MaxBufferedQueryCount): many readers of one busy complaint. Retry soon.
      if (resourceExhausted(err)) throw tooManyRequests(1);
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
    // Bounded: with no worker polling, an update would wait for one for as long as the caller waits.
    const deadline = Date.now() + this.timeouts.actionMs;
    try {
      return await this.client.withDeadline(deadline, () =>
        retryingAbortedUpdates(() =>
          this.handle(complaintId).executeUpdate(update, { args, ...(updateId ? { updateId } : {}) }),
        ),
      );
    } catch (err) {
      if (noWorkerAnswered(err, deadline)) {
        // Temporal holds an update it has admitted until a worker takes it; the same update id then
        // returns the first outcome, so the caller's retry is safe.
        throw workerUnavailable(
          `no worker took the ${action} on complaint ${complaintId} within ${this.timeouts.actionMs / 1000} s: ` +
            'it may still be applied when a worker runs; retry with the same Idempotency-Key to learn its outcome',
        );
      }
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause;
        if (cause instanceof ApplicationFailure && cause.type === REFUSAL.refused) {
          throw conflict(cause.message, { action, stage: await this.stageOf(complaintId) });
        }
        // Refused for who asks (the action's roles, or reassigning without being a supervisor).
        if (cause instanceof ApplicationFailure && cause.type === REFUSAL.forbidden) {
          throw forbidden(cause.message, { role: actor.role, action });
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
 * Whether a call failed for want of a worker: the SDK's deadline error, or any failure once the
 * deadline has passed (the form a timed-out call takes depends on where it was cut short: the client's
 * retries, the frontend or the history service). A missing complaint or a refused action is an answer.
 */
/** Whether Temporal refused the call for its own limits (gRPC RESOURCE_EXHAUSTED), anywhere in the cause chain. */
export function resourceExhausted(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth += 1) {
    if ((e as { code?: unknown }).code === GRPC_RESOURCE_EXHAUSTED) return true;
  }
  return false;
}
const GRPC_RESOURCE_EXHAUSTED = 8;

function noWorkerAnswered(err: unknown, deadline: number): boolean {
  if (err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError) return false;
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err)) return true;
  return Date.now() >= deadline;
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

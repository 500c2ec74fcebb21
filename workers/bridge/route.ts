import type { SearchIndex } from '../../platform/search-index';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { isGrpcServiceError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { FollowUpEventType, InboundData, InboundEvent } from '../../domain/events';
import { complaintWorkflowId } from '../../domain/ids';
import {
  COMPLAINT_WORKFLOW,
  complaintSignalWithStart,
  customerRepliedSignal,
  customerWithdrewSignal,
  remedyFailedSignal,
  remedyFulfilledSignal,
  surveyRespondedSignal,
  type ComplaintInput,
  type ExternalFact,
} from '../../workflows/messages';

/** gRPC status 3: the request itself is wrong, so retrying it cannot help. */
const GRPC_INVALID_ARGUMENT = 3;

/** How a follow-up fact reaches its complaint's workflow: a signal, or an update (which can be rejected). */
export type FactRoute<T extends FollowUpEventType> =
  | { kind: 'signal'; signal: SignalDefinition<[ExternalFact<InboundData<T>>]> | string }
  | { kind: 'update'; update: UpdateDefinition<unknown, [ExternalFact<InboundData<T>>]> | string };

/**
 * Which Temporal operation each inbound event type becomes. `complaint.received` is always
 * signal-with-start (it creates the complaint); each follow-up fact is a signal or an update. The
 * event id is the deduplication key of all three: the workflow remembers signalled ids, and an
 * update carries the event id as its update id.
 */
export type RouteTable = { [T in FollowUpEventType]: FactRoute<T> };

/** The workflow contract (workflows/messages.ts): every fact from another system is a signal. */
export const COMPLAINT_ROUTES: RouteTable = {
  'customer.replied': { kind: 'signal', signal: customerRepliedSignal },
  'customer.withdrew': { kind: 'signal', signal: customerWithdrewSignal },
  'remedy.fulfilled': { kind: 'signal', signal: remedyFulfilledSignal },
  'remedy.failed': { kind: 'signal', signal: remedyFailedSignal },
  'survey.responded': { kind: 'signal', signal: surveyRespondedSignal },
};

/** Where complaints are started: the complaint workflow on its task queue (the benchmark swaps in a no-op). */
export interface DeliveryTarget {
  workflowType: string;
  taskQueue: string;
  routes: RouteTable;
  /** Indexes each complaint's summary for text search (the API's key ring: platform/search-keys.ts). */
  search?: SearchIndex;
}

/** The default target for a task queue. */
export function complaintTarget(taskQueue: string, search?: SearchIndex): DeliveryTarget {
  return { workflowType: COMPLAINT_WORKFLOW, taskQueue, routes: COMPLAINT_ROUTES, ...(search ? { search } : {}) };
}

/**
 * The outcome of delivering one event to Temporal:
 * - `delivered`: Temporal accepted it;
 * - `duplicate`: the complaint was already opened and is closed (a redelivered `complaint.received`);
 * - `unknown-complaint`: a fact for a complaint with no open workflow (the caller decides whether
 *   that is final: the complaint may still be on its way through the intake topic);
 * - `rejected`: Temporal refused it for good (an update's validator said no, or an invalid request).
 */
export type Delivery =
  | { kind: 'delivered' | 'duplicate' }
  | { kind: 'unknown-complaint'; reason: string }
  | { kind: 'rejected'; reason: string };

/** A failure worth retrying: the message is good, Temporal could not take it just now. */
export class TransientDeliveryError extends Error {}

/**
 * Starts a complaint's workflow, or signals the one that exists that its complaint arrived again
 * (signal-with-start): the one call that opens a complaint from Kafka (the benchmark makes it too).
 */
export async function startComplaint(
  client: Client,
  workflowType: string,
  taskQueue: string,
  input: ComplaintInput,
): Promise<void> {
  await client.workflow.signalWithStart(workflowType, complaintSignalWithStart(input, taskQueue));
}

/**
 * Delivers one validated event to its complaint's workflow. Transient failures (Temporal down, a
 * timeout, a rate limit) throw {@link TransientDeliveryError}; everything else is an outcome.
 */
export async function deliver(client: Client, target: DeliveryTarget, event: InboundEvent): Promise<Delivery> {
  const workflowId = complaintWorkflowId(event.complaintId);
  try {
    if (event.type === 'complaint.received') {
      const input: ComplaintInput = {
        complaintId: event.complaintId,
        complaint: event.data,
        openedBy: { eventId: event.eventId, source: event.source },
        ...(target.search ? { searchTokens: target.search.tokensOf(event.data.summary) } : {}),
      };
      await startComplaint(client, target.workflowType, target.taskQueue, input);
      return { kind: 'delivered' };
    }
    const fact: ExternalFact<unknown> = {
      eventId: event.eventId,
      source: event.source,
      occurredAt: event.occurredAt,
      data: event.data,
    };
    const route = target.routes[event.type] as FactRoute<FollowUpEventType>;
    const handle = client.workflow.getHandle(workflowId);
    if (route.kind === 'signal') {
      await handle.signal(route.signal, fact);
    } else {
      // The event id as update id: Temporal answers a repeated id with the first outcome.
      await handle.executeUpdate(route.update as UpdateDefinition<unknown, [ExternalFact<unknown>]>, {
        args: [fact],
        updateId: event.eventId,
      });
    }
    return { kind: 'delivered' };
  } catch (err) {
    return classify(err, event);
  }
}

/** Sorts a Temporal error into an outcome, or throws it as transient. Exported for unit tests. */
export function classify(err: unknown, event: Pick<InboundEvent, 'type' | 'complaintId'>): Delivery {
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    // signal-with-start refused by the reuse policy: the complaint exists and is closed.
    return { kind: 'duplicate' };
  }
  if (err instanceof WorkflowNotFoundError) {
    return { kind: 'unknown-complaint', reason: `no open complaint ${event.complaintId} for ${event.type}` };
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause instanceof Error ? err.cause.message : err.message;
    return { kind: 'rejected', reason: `the complaint refused ${event.type}: ${cause}` };
  }
  const grpc = grpcCause(err);
  if (grpc && (grpc.code as number) === GRPC_INVALID_ARGUMENT) {
    return { kind: 'rejected', reason: `Temporal refused ${event.type}: ${grpc.details}` };
  }
  throw new TransientDeliveryError(`Temporal did not accept ${event.type}: ${(err as Error).message}`, { cause: err });
}

/** The gRPC error behind a client error: the SDK wraps most of them in a ServiceError's cause. */
function grpcCause(err: unknown): { code: unknown; details: string } | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return { code: e.code, details: e.details };
  }
  return undefined;
}

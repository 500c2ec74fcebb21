import { WorkflowIdReusePolicy, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { isGrpcServiceError, type Client } from '@temporalio/client';
import type { InboundEvent } from '../../domain/events';
import { complaintWorkflowId } from '../../domain/ids';
import {
  COMPLAINT_WORKFLOW,
  complaintReceivedSignal,
  customerRepliedSignal,
  customerWithdrewSignal,
  remedyFailedSignal,
  remedyFulfilledSignal,
  surveyRespondedSignal,
  type ComplaintInput,
} from '../../workflows/messages';

/** gRPC status 3: the request itself is wrong, so retrying it cannot help. */
const GRPC_INVALID_ARGUMENT = 3;

/** The outcome of delivering one event to Temporal. */
export type Delivery = { kind: 'delivered' | 'duplicate' } | { kind: 'rejected'; reason: string };

/** A failure worth retrying: the message is good, Temporal could not take it just now. */
export class TransientDeliveryError extends Error {}

/**
 * Delivers one validated event to its complaint's workflow: `complaint.received` by signal-with-start
 * (the workflow id is derived from the complaint id, so a second delivery finds the first workflow),
 * every other fact by a signal that carries its event id. The workflow ignores an id it has seen.
 */
export async function deliver(client: Client, taskQueue: string, event: InboundEvent): Promise<Delivery> {
  const workflowId = complaintWorkflowId(event.complaintId);
  try {
    if (event.type === 'complaint.received') {
      const input: ComplaintInput = {
        complaintId: event.complaintId,
        complaint: event.data,
        openedBy: { eventId: event.eventId, source: event.source },
      };
      await client.workflow.signalWithStart(COMPLAINT_WORKFLOW, {
        workflowId,
        taskQueue,
        args: [input],
        signal: complaintReceivedSignal,
        signalArgs: [{ eventId: event.eventId, source: event.source }],
        // One workflow per complaint, ever: a closed complaint is not opened again by a redelivery.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      return { kind: 'delivered' };
    }
    const fact = { eventId: event.eventId, source: event.source, occurredAt: event.occurredAt };
    const handle = client.workflow.getHandle(workflowId);
    switch (event.type) {
      case 'customer.replied':
        await handle.signal(customerRepliedSignal, { ...fact, data: event.data });
        break;
      case 'customer.withdrew':
        await handle.signal(customerWithdrewSignal, { ...fact, data: event.data });
        break;
      case 'remedy.fulfilled':
        await handle.signal(remedyFulfilledSignal, { ...fact, data: event.data });
        break;
      case 'remedy.failed':
        await handle.signal(remedyFailedSignal, { ...fact, data: event.data });
        break;
      case 'survey.responded':
        await handle.signal(surveyRespondedSignal, { ...fact, data: event.data });
        break;
    }
    return { kind: 'delivered' };
  } catch (err) {
    return classify(err, event);
  }
}

function classify(err: unknown, event: InboundEvent): Delivery {
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    // signal-with-start refused by the reuse policy: the complaint exists and is closed.
    return { kind: 'duplicate' };
  }
  if (err instanceof WorkflowNotFoundError) {
    return { kind: 'rejected', reason: `no open complaint ${event.complaintId} for ${event.type}` };
  }
  if (isGrpcServiceError(err) && (err.code as number) === GRPC_INVALID_ARGUMENT) {
    return { kind: 'rejected', reason: `Temporal refused the event: ${err.details}` };
  }
  throw new TransientDeliveryError(`Temporal did not accept ${event.type}: ${(err as Error).message}`, { cause: err });
}

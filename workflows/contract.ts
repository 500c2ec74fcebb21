import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { complaintWorkflowId } from '../domain/ids';
import { SA } from './search-attributes';
import type { ComplaintInput } from './messages';

/**
 * The complaint workflow's contract with its callers — the bridge, the API, the CLI's server side and
 * tests — in one place: its name, its id, how it is started, and how it refuses an action. (Its
 * messages are in `messages.ts`; its actions in the registry, `domain/actions`.)
 */

/** The workflow type every complaint runs. */
export const COMPLAINT_WORKFLOW = 'complaintWorkflow';

export { complaintWorkflowId };

/**
 * How an update refuses an action: the failure type of the ApplicationFailure the caller receives.
 * `forbidden` is about who asks (the API answers 403), `refused` about the complaint's state (409).
 */
export const REFUSAL = { refused: 'ActionRefused', forbidden: 'ActionForbidden' } as const;
export type RefusalType = (typeof REFUSAL)[keyof typeof REFUSAL];

/**
 * How every complaint's workflow is started, by the HTTP API (start) and by the Kafka bridge
 * (signal-with-start): the same id, the same reuse policy and the same first search attributes.
 */
export function complaintStartOptions(input: ComplaintInput, taskQueue: string) {
  return {
    workflowId: complaintWorkflowId(input.complaintId),
    taskQueue,
    args: [input] as [ComplaintInput],
    // One workflow per complaint, ever: a closed complaint is not opened again by a redelivery or a retry.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    // Set with the start, not only by the workflow once intake has assessed the complaint: the repeat
    // look-up of a complaint from the same customer arriving a moment later must already find this one,
    // and supervisors see the complaint in `received` before a worker has picked it up.
    typedSearchAttributes: [
      { key: SA.customerId, value: input.complaint.customer.id },
      { key: SA.stage, value: 'received' },
    ] as SearchAttributePair[],
  };
}

import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { complaintWorkflowId } from '../domain/ids';
import { SA } from '../workflows/search-attributes';
import type { ComplaintInput } from '../workflows/messages';

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

import type { ComplaintInput, ComplaintStatus } from './messages';

/**
 * The status of a complaint whose intake assessment has not finished yet (a moment after it arrived).
 * Pure, so the workflow answers it from its status query and the API can answer it for a complaint it
 * started that no worker has taken in yet.
 */
export function intakeStatus(input: ComplaintInput, receivedAt: number): ComplaintStatus {
  const { complaint } = input;
  return {
    complaintId: input.complaintId,
    stage: 'received',
    regime: 'pending',
    policyVersion: 0,
    region: 'pending',
    severity: complaint.severity ?? 'medium',
    category: complaint.category,
    channel: complaint.channel,
    customerId: complaint.customer.id,
    escalated: false,
    breached: false,
    breaches: [],
    clocks: [],
    commitments: [],
    waitingOnCustomer: false,
    reopenCount: 0,
    repeatOf: [],
    ...(input.linkedFrom ? { linkedFrom: input.linkedFrom.complaintId } : {}),
    flags: [],
    receivedAt: new Date(receivedAt).toISOString(),
  };
}

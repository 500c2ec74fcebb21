import type { ComplaintView } from '../../domain/complaint-view';
import { COMPLAINT_UPDATED } from '../../domain/complaint-view';
import { publishedEventId } from '../../domain/ids';
import type { OutboundEvent } from '../../domain/events';

/**
 * Envelopes exactly as the workflow and its publish activity put them on the topics (ids
 * `redress:<complaintId>:<step>`, source `redress`), for feeding the store and the projector before the
 * workflow publishes `complaint.updated` itself.
 */

const envelope = (
  complaintId: string,
  step: string,
  type: string,
  occurredAt: string,
  data: object,
): OutboundEvent => ({
  eventId: publishedEventId(complaintId, step),
  type,
  complaintId,
  occurredAt,
  source: 'redress',
  data: { ...data },
});

/** A complete view of a complaint, with `over` replacing fields. */
export function view(over: Partial<ComplaintView> = {}): ComplaintView {
  return {
    revision: 1,
    stage: 'acknowledged',
    regime: 'fca-disp',
    policyVersion: 1,
    region: 'GB-ENG',
    severity: 'medium',
    category: 'billing',
    product: 'current-account',
    channel: 'email',
    customerId: 'cust-1',
    assignee: null,
    escalated: false,
    breached: false,
    breaches: [],
    nextDeadline: '2026-03-03T09:00:00.000Z',
    clocks: [
      {
        clock: 'first-response',
        kind: 'deadline',
        status: 'running',
        deadline: '2026-03-03T09:00:00.000Z',
        breached: false,
        met: null,
      },
      {
        clock: 'final-response',
        kind: 'deadline',
        status: 'running',
        deadline: '2026-04-27T09:00:00.000Z',
        breached: false,
        met: null,
      },
    ],
    waitingOnCustomer: false,
    remedy: null,
    outcome: null,
    csat: null,
    reopenCount: 0,
    repeatOf: [],
    flagCount: 0,
    receivedAt: '2026-03-02T09:00:00.000Z',
    firstResponseAt: null,
    finalResponseAt: null,
    ...over,
  };
}

/** `complaint.updated` carrying `v`. */
export const updated = (complaintId: string, v: ComplaintView, at = '2026-03-02T09:00:01.000Z'): OutboundEvent =>
  envelope(complaintId, `view:${v.revision}`, COMPLAINT_UPDATED, at, v);

/** The events intake publishes: opened, stage-changed to acknowledged, acknowledged. */
export function intakeEvents(complaintId: string, receivedAt = '2026-03-02T09:00:00.000Z'): OutboundEvent[] {
  const at = new Date(Date.parse(receivedAt) + 1_000).toISOString();
  return [
    envelope(complaintId, 'opened', 'complaint.opened', at, {
      category: 'billing',
      channel: 'email',
      severity: 'medium',
      regime: 'fca-disp',
      policyVersion: 1,
      receivedAt,
      repeatOf: [],
    }),
    envelope(complaintId, 'stage:c0:received->acknowledged:2', 'complaint.stage-changed', at, {
      from: 'received',
      to: 'acknowledged',
      by: 'system',
    }),
    envelope(complaintId, 'acknowledged', 'complaint.acknowledged', at, {
      deadlines: { 'first-response': '2026-03-03T09:00:00.000Z' },
    }),
  ];
}

/** Any other lifecycle event, with its data. */
export const lifecycle = (complaintId: string, step: string, type: string, at: string, data: object = {}) =>
  envelope(complaintId, step, type, at, data);

/** `notification.requested` as the publish activity renders it. */
export const letter = (complaintId: string, step: string, body: string, at = '2026-03-02T09:00:01.000Z') =>
  envelope(complaintId, `notify:${step}`, 'notification.requested', at, {
    kind: 'acknowledgement',
    channel: 'email',
    locale: 'en-GB',
    recipient: { type: 'customer', customerId: 'cust-1', name: 'Ada Lovelace', email: 'ada@example.com' },
    subject: 'We have received your complaint',
    body,
    idempotencyKey: `${complaintId}:${step}`,
  });

/** `remedy.requested` on `complaints.remedies`. */
export const remedyRequest = (complaintId: string, remedyId: string, at: string, dueBy: string) =>
  envelope(complaintId, `remedy-request:${remedyId}`, 'remedy.requested', at, {
    remedyId,
    kind: 'refund',
    description: 'Refund of the second charge',
    amount: 30,
    currency: 'GBP',
    dueBy,
    customerId: 'cust-1',
    idempotencyKey: remedyId,
  });

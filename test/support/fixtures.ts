import type { Complaint } from '../../domain/complaint';

/** A valid complaint, with overrides: the fixture every test starts from. */
export function complaintFixture(overrides: Partial<Complaint> = {}): Complaint {
  return {
    customer: { id: 'cust-1', name: 'Ada Lovelace', email: 'ada@example.com', jurisdiction: 'GB-ENG' },
    channel: 'email',
    category: 'billing',
    summary: 'Charged twice',
    description: 'I was charged twice for my October bill and nobody answered my call.',
    receivedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A `complaint.received` envelope as an upstream system would publish it. */
export function receivedEvent(complaintId: string, eventId: string, complaint: Complaint = complaintFixture()) {
  return {
    eventId,
    type: 'complaint.received',
    complaintId,
    occurredAt: new Date().toISOString(),
    source: 'crm',
    data: complaint,
  };
}

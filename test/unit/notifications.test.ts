import { renderNotification } from '../../activities/notifications';
import { complaintFixture } from '../support/fixtures';

describe('renderNotification', () => {
  const base = { complaintId: 'c-9', customer: complaintFixture().customer, channel: 'email', regime: 'default' };

  it('states the first-response deadline in the acknowledgement, with a stable idempotency key', () => {
    const n = renderNotification({
      ...base,
      step: 'acknowledgement',
      kind: 'acknowledgement',
      vars: { firstResponseDeadline: '2026-11-23T10:00:00.000Z', finalResponseDeadline: '2026-12-07T17:00:00.000Z' },
    });
    // No zone on the request (queued before it was carried): UTC, in words.
    expect(n.body).toContain('10:00 am UTC on Monday 23 November 2026');
    expect(n.subject).toContain('c-9');
    expect(n.idempotencyKey).toBe('c-9:acknowledgement');
    expect(n.recipient).toEqual({
      type: 'customer',
      customerId: 'cust-1',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    });
  });

  it('refuses to render with a missing variable rather than send a letter with a blank', () => {
    expect(() => renderNotification({ ...base, step: 'acknowledgement', kind: 'acknowledgement', vars: {} })).toThrow(
      /firstResponseDeadline/,
    );
  });
});

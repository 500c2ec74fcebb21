import { renderNotification } from '../../activities/notifications';
import { NotificationDataSchema } from '../../domain/letters/notification-event';
import { loadTemplates } from '../../platform/template-files';
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

  it('carries the locale used and, where the letter encloses the leaflet, the attachment by reference: both in the contract', () => {
    const shipped = loadTemplates({ overrideDir: null });
    const leaflet = { name: 'Want to take your complaint further?', documentId: 'doc-fos-1', sha256: 'c'.repeat(64) };
    const welsh = { ...complaintFixture().customer, locale: 'cy-GB' };
    const final = renderNotification(
      {
        ...base,
        customer: welsh,
        regime: 'fca-disp',
        step: 'final-response:c1',
        kind: 'final-response',
        vars: { outcome: 'upheld', reasons: 'We charged you twice.' },
        timeZone: 'Europe/London',
      },
      { ...shipped, firm: { ...shipped.firm, ombudsmanLeaflet: leaflet } },
    );
    expect(final).toMatchObject({ locale: 'cy-GB', attachments: [leaflet] });
    expect(final.body).toContain('"Want to take your complaint further?"');
    const staff = renderNotification({
      complaintId: 'c-9',
      channel: 'internal',
      regime: 'fca-disp',
      step: 'alert:1',
      kind: 'supervisor-alert',
      vars: { reason: 'escalated', detail: 'asked for a manager' },
    });
    expect(staff).not.toHaveProperty('attachments');
    for (const n of [final, staff]) expect(NotificationDataSchema.parse(n)).toEqual(n);
    expect(NotificationDataSchema.safeParse({ ...final, attachments: [{ ...leaflet, sha256: 'nope' }] }).success).toBe(
      false,
    );
  });
});

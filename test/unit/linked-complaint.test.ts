import { COMPLAINT_ID_PATTERN } from '../../domain/ids';
import { linkedComplaint, linkedComplaintId } from '../../domain/linked-complaint';
import { parseInbound } from '../../domain/parse-inbound';
import { complaintFixture } from '../support/fixtures';

/**
 * The pure side of a reply's new matter (issue 15): the new complaint's id is derived, never generated, so
 * a retried start or a redelivered reply names the same complaint; the new complaint is the same
 * customer's, received when the reply was; and a bad `newMatter` on a fact is refused naming the field,
 * which is the reason its dead letter carries.
 */

it('derives the same id for the same complaint and reply, another for another reply, always a valid complaint id', () => {
  const long = `c${'x'.repeat(99)}`;
  const ids = [
    linkedComplaintId('c-1001', 'reply-1'),
    linkedComplaintId('c-1001', 'reply-2'),
    linkedComplaintId('c-1002', 'reply-1'),
    linkedComplaintId(long, 'reply-1'),
    linkedComplaintId('c-1001', `r:${'~'.repeat(198)}`),
  ];
  expect(linkedComplaintId('c-1001', 'reply-1')).toBe(ids[0]);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.filter((id) => !COMPLAINT_ID_PATTERN.test(id))).toEqual([]);
  expect(ids[0]).toMatch(/^c-1001:m:[0-9a-f]{16}$/);
});

it('makes the new complaint the same customer’s, from the reply’s words and time, its severity assessed afresh', () => {
  const first = complaintFixture({ severity: 'high', product: 'current-account', desiredOutcome: 'A refund' });
  const c = linkedComplaint(
    first,
    { summary: 'Card declined abroad' },
    { text: 'My card failed.', at: '2026-12-05T10:00:00.000Z' },
  );
  expect(c).toEqual({
    customer: first.customer,
    channel: first.channel,
    category: first.category,
    summary: 'Card declined abroad',
    description: 'My card failed.',
    receivedAt: '2026-12-05T10:00:00.000Z',
  });
  expect(linkedComplaint(first, { summary: 'x', category: 'cards' }, { text: 't', at: c.receivedAt }).category).toBe(
    'cards',
  );
});

it('refuses a reply whose new matter has no summary, naming the field', () => {
  const event = {
    eventId: 'reply-1',
    type: 'customer.replied',
    complaintId: 'c-1001',
    occurredAt: new Date().toISOString(),
    source: 'contact-centre',
    data: { message: 'And another thing', newMatter: { summary: '  ', colour: 'red' } },
  };
  const result = parseInbound('events', Buffer.from(JSON.stringify(event)), Buffer.from('c-1001'), {
    now: Date.now(),
    earliest: Date.parse('2020-01-01T00:00:00Z'),
  });
  expect(result.ok).toBe(false);
  const fields = 'errors' in result ? result.errors.map((e) => e.field).sort() : [];
  expect(fields).toEqual(['data.newMatter', 'data.newMatter.summary']);
});

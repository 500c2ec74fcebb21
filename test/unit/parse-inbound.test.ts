import { MAX_INBOUND_BYTES, parseInbound as parseAt, type InboundTopicRole } from '../../domain/parse-inbound';
import { complaintFixture, receivedEvent } from '../support/fixtures';

/** These tests are about structure: every instant they supply is now, which the instant rules accept. */
const parseInbound = (role: InboundTopicRole, value: Buffer | null, key: Buffer | null) =>
  parseAt(role, value, key, { now: Date.now(), earliest: Date.parse('2020-01-01T00:00:00Z') });

const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const key = (k: string) => Buffer.from(k);

describe('parseInbound', () => {
  it('accepts a valid complaint.received on the intake topic', () => {
    const result = parseInbound('intake', bytes(receivedEvent('c-1', 'e-1')), key('c-1'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.event.type).toBe('complaint.received');
      expect(result.event.complaintId).toBe('c-1');
    }
  });

  it('accepts a message without a key (the complaint id in the envelope is what counts)', () => {
    expect(parseInbound('intake', bytes(receivedEvent('c-1', 'e-1')), null).ok).toBe(true);
  });

  it.each([
    ['empty message', null, /empty message/],
    ['broken JSON', '{"eventId":', /not valid JSON/],
    ['a JSON array', '[]', /invalid envelope/],
  ])('rejects %s', (_name, value, reason) => {
    const result = parseInbound('intake', value === null ? null : bytes(value), null);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('names each missing or unknown envelope field', () => {
    const { occurredAt: _o, ...noTime } = receivedEvent('c-1', 'e-1');
    const result = parseInbound('intake', bytes({ ...noTime, extra: 1 }), null);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.field).sort()).toEqual(['(root)', 'occurredAt']);
      expect(result.errors.find((e) => e.field === '(root)')?.message).toMatch(/extra/);
    }
  });

  it('names the invalid payload fields with their data. path', () => {
    const complaint = {
      ...complaintFixture(),
      severity: 'apocalyptic',
      customer: { ...complaintFixture().customer, email: 'nope' },
    };
    const result = parseInbound('intake', bytes(receivedEvent('c-1', 'e-1', complaint as never)), null);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field).sort()).toEqual(['data.customer.email', 'data.severity']);
  });

  it('rejects an event type that does not belong on the topic', () => {
    const replied = { ...receivedEvent('c-1', 'e-1'), type: 'customer.replied', data: { message: 'hi' } };
    const onIntake = parseInbound('intake', bytes(replied), null);
    expect(onIntake.ok).toBe(false);
    if (!onIntake.ok) expect(onIntake.reason).toMatch(/not accepted on the intake topic/);
    expect(parseInbound('events', bytes(replied), null).ok).toBe(true);
    const unknownType = parseInbound('events', bytes({ ...replied, type: 'customer.shouted' }), null);
    expect(unknownType.ok).toBe(false);
  });

  it('rejects a key that is not the complaint id (per-complaint order would be lost)', () => {
    const result = parseInbound('intake', bytes(receivedEvent('c-1', 'e-1')), key('c-2'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.field).toBe('(key)');
  });

  it('rejects an oversized message before parsing it', () => {
    const huge = Buffer.alloc(MAX_INBOUND_BYTES + 1, 'a');
    const result = parseInbound('intake', huge, null);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/exceeds the limit/);
  });

  it('rejects complaint ids that could not be a workflow id, key or URL segment', () => {
    for (const bad of ['', 'has space', '../etc', 'x'.repeat(101), 'é']) {
      const result = parseInbound('intake', bytes(receivedEvent(bad, 'e-1')), null);
      expect(result.ok).toBe(false);
    }
  });

  it('requires a survey answer to say whether the customer confirmed it', () => {
    const survey = { ...receivedEvent('c-1', 'e-1'), type: 'survey.responded', data: { score: 4 } };
    const result = parseInbound('events', bytes(survey), null);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual(['data.confirmed']);
  });
});

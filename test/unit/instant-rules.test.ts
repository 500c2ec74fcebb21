import { loadPolicies } from '../../platform/policy-files';
import { calendarSnapshotAround } from '../../platform/calendar';
import {
  CLOCK_SKEW_MS,
  EXPECTED_BY_CAP_MS,
  checkExpectedBy,
  checkPastInstant,
  checkRemedyDueInDays,
  earliestEffectiveFrom,
  holdingResponseLimit,
  holdingResponseTooEarly,
} from '../../domain/instant-rules';
import { parseInbound } from '../../domain/parse-inbound';
import { receivedEvent } from '../support/fixtures';
import { followUpEvent } from '../support/malformed';

const now = Date.parse('2026-03-10T12:00:00.000Z');
const earliest = Date.parse('2020-01-01T00:00:00.000Z');
const bounds = { now, earliest };
const iso = (ms: number) => new Date(ms).toISOString();

describe('earliestEffectiveFrom', () => {
  it('is the earliest effectiveFrom of the shipped catalogue (2020-01-01)', () => {
    expect(earliestEffectiveFrom(loadPolicies({ overridePath: null }))).toBe(earliest);
  });

  it('takes the minimum, whatever the order', () => {
    expect(
      earliestEffectiveFrom([
        { effectiveFrom: '2024-01-01T00:00:00Z' },
        { effectiveFrom: '2021-06-01T00:00:00+01:00' },
      ]),
    ).toBe(Date.parse('2021-05-31T23:00:00Z'));
  });

  it('refuses an empty catalogue', () => {
    expect(() => earliestEffectiveFrom([])).toThrow(/empty/);
  });
});

describe('checkPastInstant (receivedAt, occurredAt)', () => {
  it('accepts now, exactly the skew ahead, and exactly the earliest policy', () => {
    expect(checkPastInstant('receivedAt', iso(now), bounds)).toBeUndefined();
    expect(checkPastInstant('receivedAt', iso(now + CLOCK_SKEW_MS), bounds)).toBeUndefined();
    expect(checkPastInstant('receivedAt', iso(earliest), bounds)).toBeUndefined();
    expect(checkPastInstant('receivedAt', iso(now - 3 * 365 * 86_400_000), bounds)).toBeUndefined();
  });

  it('refuses 1 ms beyond the skew, naming the field', () => {
    expect(checkPastInstant('receivedAt', iso(now + CLOCK_SKEW_MS + 1), bounds)).toEqual({
      field: 'receivedAt',
      message: expect.stringMatching(/must not be in the future: at most 5 minutes/) as unknown,
    });
  });

  it('refuses 1 ms before the earliest policy, and the epoch', () => {
    for (const at of [earliest - 1, 0]) {
      expect(checkPastInstant('data.receivedAt', iso(at), bounds)).toEqual({
        field: 'data.receivedAt',
        message: expect.stringMatching(/must not be before 2020-01-01T00:00:00.000Z/) as unknown,
      });
    }
  });

  it('compares instants, not strings: an offset is honoured', () => {
    // 2020-01-01T00:30+01:00 is 2019-12-31T23:30Z: before the earliest policy.
    expect(checkPastInstant('occurredAt', '2020-01-01T00:30:00+01:00', bounds)?.field).toBe('occurredAt');
    expect(checkPastInstant('occurredAt', '2019-12-31T19:00:00-05:00', bounds)).toBeUndefined();
  });
});

describe('checkExpectedBy (holding response)', () => {
  const paymentsPolicy = loadPolicies({ overridePath: null }).find((p) => p.id === 'fca-payments')!;
  const dispPolicy = loadPolicies({ overridePath: null }).find((p) => p.id === 'fca-disp')!;
  // Monday 2 March 2026, 10:00 in London: counting from Tuesday 3 March, 35 business days less Good Friday
  // (3 April) and Easter Monday (6 April) end at the close of business on Wednesday 22 April.
  const receivedAt = '2026-03-02T10:00:00Z';
  const limit = holdingResponseLimit(paymentsPolicy, receivedAt, calendarSnapshotAround('GB-ENG', receivedAt));

  it('derives fca-payments: 35 business days after receipt', () => {
    expect(limit?.why).toMatch(/35 business days after receipt/);
    expect(iso(limit!.latest).slice(0, 10)).toBe('2026-04-22');
  });

  it('derives fca-disp: the promised date at most 16 weeks after receipt (calendar weeks, same hour)', () => {
    const disp = holdingResponseLimit(dispPolicy, receivedAt, calendarSnapshotAround('GB-ENG', receivedAt));
    expect(disp?.why).toMatch(/16 weeks after receipt \(fca-disp final-response\)/);
    // Monday 2 March 2026 10:00 GMT + 16 weeks = Monday 22 June 2026 10:00 BST (09:00Z).
    expect(iso(disp!.latest)).toBe('2026-06-22T09:00:00.000Z');
  });

  it('derives no limit where no clock is extended by a holding response (default)', () => {
    const fallback = loadPolicies({ overridePath: null }).find((p) => p.id === 'default')!;
    expect(holdingResponseLimit(fallback, receivedAt, calendarSnapshotAround('GB-ENG', receivedAt))).toBeUndefined();
  });

  it('refuses an FCA holding response before 7 weeks after receipt, and allows it from then', () => {
    const snapshot = calendarSnapshotAround('GB-ENG', receivedAt);
    // 7 weeks after Monday 2 March 2026 10:00 GMT: Monday 20 April 2026 10:00 BST (09:00Z).
    const sevenWeeks = Date.parse('2026-04-20T09:00:00Z');
    expect(holdingResponseTooEarly(dispPolicy, receivedAt, snapshot, sevenWeeks - 1)).toMatch(
      /is sent from 2026-04-20T09:00:00.000Z \(7 weeks after receipt\)/,
    );
    expect(holdingResponseTooEarly(dispPolicy, receivedAt, snapshot, sevenWeeks)).toBeUndefined();
    // The payment-services holding response is for day 15 at the latest: no earliest time.
    expect(holdingResponseTooEarly(paymentsPolicy, receivedAt, snapshot, Date.parse(receivedAt))).toBeUndefined();
  });

  it('accepts 1 ms after now and exactly the limit; refuses now and 1 ms beyond the limit', () => {
    const at = Date.parse(receivedAt) + 86_400_000;
    expect(checkExpectedBy('expectedBy', iso(at + 1), at, limit)).toBeUndefined();
    expect(checkExpectedBy('expectedBy', iso(limit!.latest), at, limit)).toBeUndefined();
    expect(checkExpectedBy('expectedBy', iso(at), at, limit)?.message).toMatch(/must be in the future/);
    expect(checkExpectedBy('expectedBy', iso(limit!.latest + 1), at, limit)?.message).toMatch(
      /must not be after .*35 business days after receipt/,
    );
  });

  it('caps at a year from now when the regime sets no limit', () => {
    expect(checkExpectedBy('expectedBy', iso(now + EXPECTED_BY_CAP_MS), now, undefined)).toBeUndefined();
    expect(checkExpectedBy('expectedBy', iso(now + EXPECTED_BY_CAP_MS + 1), now, undefined)?.message).toMatch(
      /a year from now/,
    );
  });
});

describe('checkRemedyDueInDays', () => {
  it('accepts 1 to 90 whole days and nothing else', () => {
    expect(checkRemedyDueInDays('dueInDays', 1)).toBeUndefined();
    expect(checkRemedyDueInDays('dueInDays', 90)).toBeUndefined();
    for (const bad of [0, 91, 1.5, -1]) expect(checkRemedyDueInDays('dueInDays', bad)?.field).toBe('dueInDays');
  });
});

describe('parseInbound applies the instant rules', () => {
  const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));

  it('refuses a complaint received before the earliest policy as invalid-data naming data.receivedAt', () => {
    const event = receivedEvent('c-1', 'e-1');
    const old = { ...event, occurredAt: iso(now), data: { ...event.data, receivedAt: '1970-01-01T00:00:00Z' } };
    expect(parseInbound('intake', bytes(old), null, bounds)).toMatchObject({
      ok: false,
      code: 'invalid-data',
      reason: expect.stringContaining('data.receivedAt') as unknown,
      errors: [{ field: 'data.receivedAt' }],
    });
  });

  it('refuses a fact that occurred in the future, naming occurredAt', () => {
    const fact = { ...followUpEvent('customer.replied', 'c-1', 'e-2'), occurredAt: iso(now + CLOCK_SKEW_MS + 1) };
    expect(parseInbound('events', bytes(fact), null, bounds)).toMatchObject({
      ok: false,
      code: 'invalid-data',
      errors: [{ field: 'occurredAt' }],
    });
  });

  it('accepts a complaint received three years ago', () => {
    const event = receivedEvent('c-1', 'e-1');
    const threeYears = iso(now - 3 * 365 * 86_400_000);
    const old = { ...event, occurredAt: iso(now), data: { ...event.data, receivedAt: threeYears } };
    expect(parseInbound('intake', bytes(old), null, bounds).ok).toBe(true);
  });
});

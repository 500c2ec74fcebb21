import { buildCalendarSnapshot } from '../../platform/calendar';
import { addDuration, extendClock, markFired, nextDueEvent, startClock } from '../../domain/clock';
import type { CalendarSnapshot, CountingRules, Duration } from '../../domain/clock';
import { clockSpec, planDeadlines, policyInForce } from '../../domain/policy';
import type { Policy } from '../../domain/policy';
import { loadPolicies } from '../../platform/policy-files';

/**
 * Deadlines on real dates, each worked out by hand from the published bank-holiday lists (gov.uk for the
 * UK nations, OPM for US federal holidays) and written out in the comment above its row. Business hours
 * are the shipped 09:00–17:00, Monday to Friday, local time. London is on GMT (UTC+0) until 29 March 2026
 * and on BST (UTC+1) from then until 25 October 2026; New York is on EST (UTC-5) until 8 March 2026.
 */

const snapshots = new Map<string, CalendarSnapshot>();
function calendar(region: string): CalendarSnapshot {
  let s = snapshots.get(region);
  if (!s) {
    s = buildCalendarSnapshot({ region, from: '2025-11-01', to: '2027-06-30' });
    snapshots.set(region, s);
  }
  return s;
}

const policies = loadPolicies({ overridePath: null });
const policy = (id: string): Policy => policyInForce(policies, id, '2025-12-01T00:00:00Z');
const deadlineOf = (p: Policy, clock: string, received: string, region: string): string | null =>
  planDeadlines(p, received, calendar(region)).find((c) => c.clock === clock)?.deadline ?? null;

const SAME_DAY: CountingRules = { afterCloseOfBusiness: 'same-day' };
const NEXT_DAY: CountingRules = { afterCloseOfBusiness: 'next-business-day' };
const bd = (amount: number): Duration => ({ amount, unit: 'business-days' });

describe('business days around Christmas and New Year', () => {
  it('skips Christmas Day, Boxing Day and the weekend (England)', () => {
    // Received Tue 23 Dec 2025 11:00 GMT. The day of receipt does not count. Business days after it:
    // Wed 24 Dec (1); Thu 25 and Fri 26 are bank holidays, Sat 27 and Sun 28 the weekend; Mon 29 (2),
    // Tue 30 (3). Close of business on Tue 30 Dec: 17:00 GMT.
    expect(deadlineOf(policy('fca-disp'), 'summary-resolution', '2025-12-23T11:00:00Z', 'GB-ENG')).toBe(
      '2025-12-30T17:00:00.000Z',
    );
  });

  it('England counts 2 January; Scotland does not (England against Scotland)', () => {
    // Received Mon 29 Dec 2025 10:00 GMT. England: Tue 30 (1), Wed 31 (2), Thu 1 Jan is a bank holiday,
    // Fri 2 Jan (3) → 17:00 on Fri 2 Jan. Scotland also closes on 2 January, so after Wed 31 (2) come
    // the weekend and Mon 5 Jan (3) → 17:00 on Mon 5 Jan.
    const p = policy('fca-disp');
    expect(deadlineOf(p, 'summary-resolution', '2025-12-29T10:00:00Z', 'GB-ENG')).toBe('2026-01-02T17:00:00.000Z');
    expect(deadlineOf(p, 'summary-resolution', '2025-12-29T10:00:00Z', 'GB-SCT')).toBe('2026-01-05T17:00:00.000Z');
  });

  it('calendar days ignore holidays: CFPB 15 and 60 days over Christmas (New York)', () => {
    // Received Fri 19 Dec 2025 15:00 EST (20:00 UTC). 15 calendar days: Sat 3 Jan 2026 15:00 EST.
    // 60 days: 12 to 31 Dec, 31 in January, 17 in February → Tue 17 Feb 2026 15:00 EST.
    const p = policy('cfpb');
    expect(deadlineOf(p, 'response', '2025-12-19T20:00:00Z', 'US')).toBe('2026-01-03T20:00:00.000Z');
    expect(deadlineOf(p, 'final-response', '2025-12-19T20:00:00Z', 'US')).toBe('2026-02-17T20:00:00.000Z');
  });
});

describe('payment services: 15 business days after the day of receipt, in hours or out (DISP 1.6.2AR)', () => {
  // DISP 1.5.3G's concession (a complaint after close of business counts as received the next business
  // day) is for DISP 1.5 only; DISP 1.6.2AR counts from the day it was received, whatever the hour.
  it('received Tue 3 Mar 2026 at 18:00 (after hours): due Tue 24 Mar, not Wed 25 Mar', () => {
    // Wed 4–Fri 6 Mar (1–3), 9–13 (4–8), 16–20 (9–13), Mon 23 (14), Tue 24 (15) → 17:00 GMT.
    expect(deadlineOf(policy('fca-payments'), 'final-response', '2026-03-03T18:00:00Z', 'GB-ENG')).toBe(
      '2026-03-24T17:00:00.000Z',
    );
  });
  it('received the same Tuesday at 10:00: due the same Tue 24 Mar', () => {
    expect(deadlineOf(policy('fca-payments'), 'final-response', '2026-03-03T10:00:00Z', 'GB-ENG')).toBe(
      '2026-03-24T17:00:00.000Z',
    );
  });
});

describe('Easter 2026 (Good Friday 3 April; Easter Monday 6 April in England, not in Scotland)', () => {
  // Received Wed 1 Apr 2026 10:00 BST (09:00 UTC).
  const received = '2026-04-01T09:00:00Z';

  it('15 business days in England end on Fri 24 April', () => {
    // Thu 2 Apr (1); Fri 3 and Mon 6 are bank holidays; Tue 7–Fri 10 (2–5); 13–17 Apr (6–10);
    // Mon 20–Fri 24 (11–15) → 17:00 BST on Fri 24 Apr = 16:00 UTC.
    expect(deadlineOf(policy('fca-payments'), 'final-response', received, 'GB-ENG')).toBe('2026-04-24T16:00:00.000Z');
  });

  it('15 business days in Scotland end a day earlier, on Thu 23 April', () => {
    // Scotland works on Easter Monday: Thu 2 Apr (1), Mon 6–Fri 10 (2–6), 13–17 (7–11), Mon 20–Thu 23
    // (12–15) → 17:00 BST on Thu 23 Apr.
    expect(deadlineOf(policy('fca-payments'), 'final-response', received, 'GB-SCT')).toBe('2026-04-23T16:00:00.000Z');
  });

  it('the 35-business-day extension skips both May bank holidays (England)', () => {
    // From day 15 (Fri 24 Apr): 27 Apr–1 May (16–20); Mon 4 May is the Early May bank holiday;
    // 5–8 May (21–24); 11–15 (25–29); 18–22 (30–34); Mon 25 May is the Spring bank holiday;
    // Tue 26 May (35) → 17:00 BST.
    const plan = planDeadlines(policy('fca-payments'), received, calendar('GB-ENG'));
    expect(plan.find((c) => c.clock === 'final-response')?.extension?.deadline).toBe('2026-05-26T16:00:00.000Z');
  });

  it('the 35-business-day extension in Scotland ends on Fri 22 May', () => {
    // From day 15 (Thu 23 Apr): Fri 24 (16); 27 Apr–1 May (17–21); Mon 4 May holiday; 5–8 (22–25);
    // 11–15 (26–30); 18–22 (31–35) → 17:00 BST on Fri 22 May.
    expect(addDuration(received, bd(35), calendar('GB-SCT'), NEXT_DAY)).toBe('2026-05-22T16:00:00.000Z');
  });
});

describe('receipt at the weekend', () => {
  // Received Sat 7 Mar 2026 14:00 GMT.
  const received = '2026-03-07T14:00:00Z';

  it('FCA: treated as received on Monday, so the third business day after is Thursday', () => {
    // next-business-day: treated as received Mon 9 Mar; Tue 10 (1), Wed 11 (2), Thu 12 (3) → 17:00.
    expect(deadlineOf(policy('fca-disp'), 'summary-resolution', received, 'GB-ENG')).toBe('2026-03-12T17:00:00.000Z');
  });

  it('counted from Saturday itself, the third business day after is Wednesday', () => {
    // same-day: the day of receipt is Saturday; Mon 9 (1), Tue 10 (2), Wed 11 (3) → 17:00.
    expect(addDuration(received, bd(3), calendar('GB-ENG'), SAME_DAY)).toBe('2026-03-11T17:00:00.000Z');
  });

  it('a calendar clock set to same-day counts from the instant: 8 weeks end on Sat 2 May, in BST', () => {
    // 7 Mar + 56 days = 2 May 2026, 14:00 local; London is on BST by then, so 13:00 UTC.
    expect(deadlineOf(policy('fca-disp'), 'final-response', received, 'GB-ENG')).toBe('2026-05-02T13:00:00.000Z');
  });

  it('the 24-hour promise counts from the instant in every regime, even where business days start on Monday', () => {
    // first-response is Redress's own promise, 24 wall hours (same-day) also under the FCA policies:
    // Sat 7 Mar 14:00 → Sun 8 Mar 14:00. The FCA business-day windows still start on Monday (above).
    expect(deadlineOf(policy('fca-disp'), 'first-response', received, 'GB-ENG')).toBe('2026-03-08T14:00:00.000Z');
    expect(deadlineOf(policy('fca-payments'), 'first-response', received, 'GB-ENG')).toBe('2026-03-08T14:00:00.000Z');
    expect(deadlineOf(policy('default'), 'first-response', received, 'GB-ENG')).toBe('2026-03-08T14:00:00.000Z');
  });
});

describe('receipt after the close of business', () => {
  it('17:30 on a Monday counts as Tuesday under next-business-day', () => {
    // Received Mon 9 Mar 2026 17:30 GMT, after the 17:00 close: treated as received Tue 10 Mar, so
    // Wed 11 (1), Thu 12 (2), Fri 13 (3) → 17:00 on Fri 13 Mar.
    expect(deadlineOf(policy('fca-disp'), 'summary-resolution', '2026-03-09T17:30:00Z', 'GB-ENG')).toBe(
      '2026-03-13T17:00:00.000Z',
    );
  });

  it('a minute before the close it is still Monday', () => {
    // Received Mon 9 Mar 16:59 GMT: Tue 10 (1), Wed 11 (2), Thu 12 (3) → 17:00 on Thu 12 Mar.
    expect(deadlineOf(policy('fca-disp'), 'summary-resolution', '2026-03-09T16:59:00Z', 'GB-ENG')).toBe(
      '2026-03-12T17:00:00.000Z',
    );
  });

  it('exactly at the close counts as after it', () => {
    expect(addDuration('2026-03-09T17:00:00Z', bd(3), calendar('GB-ENG'), NEXT_DAY)).toBe('2026-03-13T17:00:00.000Z');
  });

  it('under same-day, 17:30 on Monday is still Monday', () => {
    expect(addDuration('2026-03-09T17:30:00Z', bd(3), calendar('GB-ENG'), SAME_DAY)).toBe('2026-03-12T17:00:00.000Z');
  });

  it('business hours start at the next opening', () => {
    // Received Mon 9 Mar 18:00 GMT; 4 business hours: Tue 10 Mar 09:00–13:00.
    expect(addDuration('2026-03-09T18:00:00Z', { amount: 4, unit: 'business-hours' }, calendar('GB-ENG'))).toBe(
      '2026-03-10T13:00:00.000Z',
    );
  });
});

describe('England against Scotland where their holidays differ', () => {
  it("St Andrew's Day (Mon 30 Nov 2026) moves a 10-business-day deadline by a day in Scotland only", () => {
    // Received Thu 26 Nov 2026 10:00 GMT. England: Fri 27 (1), Mon 30 (2), 1–4 Dec (3–6), 7–10 Dec (7–10)
    // → Thu 10 Dec 17:00. Scotland closes on Mon 30 Nov: Fri 27 (1), 1–4 Dec (2–5), 7–11 Dec (6–10)
    // → Fri 11 Dec 17:00.
    const p = policy('default');
    expect(deadlineOf(p, 'final-response', '2026-11-26T10:00:00Z', 'GB-ENG')).toBe('2026-12-10T17:00:00.000Z');
    expect(deadlineOf(p, 'final-response', '2026-11-26T10:00:00Z', 'GB-SCT')).toBe('2026-12-11T17:00:00.000Z');
  });

  it('the summer bank holiday: first Monday of August in Scotland, last in England', () => {
    // Received Fri 31 Jul 2026 10:00 BST (09:00 UTC), 3 business days. England: Mon 3 (1), Tue 4 (2),
    // Wed 5 Aug (3). Scotland closes Mon 3 Aug: Tue 4 (1), Wed 5 (2), Thu 6 (3). 17:00 BST = 16:00 UTC.
    expect(addDuration('2026-07-31T09:00:00Z', bd(3), calendar('GB-ENG'))).toBe('2026-08-05T16:00:00.000Z');
    expect(addDuration('2026-07-31T09:00:00Z', bd(3), calendar('GB-SCT'))).toBe('2026-08-06T16:00:00.000Z');
    // Received Fri 28 Aug 2026: England closes Mon 31 Aug, so Tue 1 (1), Wed 2 (2), Thu 3 Sep (3);
    // Scotland works it: Mon 31 (1), Tue 1 (2), Wed 2 Sep (3).
    expect(addDuration('2026-08-28T09:00:00Z', bd(3), calendar('GB-ENG'))).toBe('2026-09-03T16:00:00.000Z');
    expect(addDuration('2026-08-28T09:00:00Z', bd(3), calendar('GB-SCT'))).toBe('2026-09-02T16:00:00.000Z');
  });

  it("Northern Ireland closes on St Patrick's Day; England does not", () => {
    // Received Mon 16 Mar 2026 10:00 GMT, 1 business day: England Tue 17 Mar; NIR Wed 18 Mar.
    expect(addDuration('2026-03-16T10:00:00Z', bd(1), calendar('GB-ENG'))).toBe('2026-03-17T17:00:00.000Z');
    expect(addDuration('2026-03-16T10:00:00Z', bd(1), calendar('GB-NIR'))).toBe('2026-03-18T17:00:00.000Z');
  });
});

describe('the 15-to-35 business-day extension (FCA payment services)', () => {
  const received = '2026-04-01T09:00:00Z'; // Wed 1 Apr 2026 10:00 BST
  const spec = () => clockSpec(policy('fca-payments'), 'final-response');

  it('a holding response before day 15 moves the deadline to day 35 and reschedules unfired warnings', () => {
    let clock = startClock(spec(), received, calendar('GB-ENG'));
    expect(clock.deadline).toBe('2026-04-24T16:00:00.000Z');
    // 0.5 × 15 = 7.5 business days: half-way through day 8 (Wed 15 Apr), 09:00 + 4 h = 13:00 BST.
    expect(clock.warnings[0]).toMatchObject({ fraction: 0.5, at: '2026-04-15T12:00:00.000Z' });
    const first = nextDueEvent(clock)!;
    clock = markFired(clock, first);
    // Holding response on Mon 20 Apr 2026, 13:00 BST (day 11).
    clock = extendClock(clock, { amount: 35, unit: 'business-days' }, '2026-04-20T12:00:00Z', calendar('GB-ENG'));
    expect(clock.deadline).toBe('2026-05-26T16:00:00.000Z');
    expect(clock.target).toBe(35);
    // The fired warning stays fired where it was; 0.75 × 35 = 26.25 days: a quarter into day 27
    // (Wed 13 May), 11:00 BST. 0.9 × 35 = 31.5 days: half-way through day 32 (Wed 20 May), 13:00 BST.
    expect(clock.warnings).toEqual([
      { fraction: 0.5, at: '2026-04-15T12:00:00.000Z', fired: true, late: false },
      { fraction: 0.75, at: '2026-05-13T10:00:00.000Z', fired: false, late: false },
      { fraction: 0.9, at: '2026-05-20T12:00:00.000Z', fired: false, late: false },
    ]);
    expect(clock.breach).toEqual({ at: '2026-05-26T16:00:00.000Z', fired: false });
    expect(clock.extensions).toEqual([
      {
        at: '2026-04-20T12:00:00.000Z',
        fromTarget: 15,
        toTarget: 35,
        previousDeadline: '2026-04-24T16:00:00.000Z',
        previousBreachFired: false,
      },
    ]);
  });
});

describe('daylight saving on real dates', () => {
  it('8 weeks across the London spring change keep the local wall time', () => {
    // Mon 2 Mar 2026 10:00 GMT + 56 days = Mon 27 Apr 2026 10:00 BST = 09:00 UTC.
    expect(addDuration('2026-03-02T10:00:00Z', { amount: 8, unit: 'weeks' }, calendar('GB-ENG'))).toBe(
      '2026-04-27T09:00:00.000Z',
    );
  });

  it('24 hours are elapsed hours; 1 day is the same wall time tomorrow', () => {
    // Sat 28 Mar 2026 12:00 GMT. Clocks go forward at 01:00 UTC on Sun 29 Mar: 24 hours later it is
    // 13:00 BST; one local day later it is 12:00 BST (only 23 hours later).
    const cal = calendar('GB-ENG');
    expect(addDuration('2026-03-28T12:00:00Z', { amount: 24, unit: 'hours' }, cal)).toBe('2026-03-29T12:00:00.000Z');
    expect(addDuration('2026-03-28T12:00:00Z', { amount: 1, unit: 'days' }, cal)).toBe('2026-03-29T11:00:00.000Z');
  });

  it('a wall time the clocks skip moves past the jump; one they repeat is its first occurrence', () => {
    const cal = calendar('GB-ENG');
    // Sat 28 Mar 2026 01:30 GMT + 1 day: 01:30 on Sun 29 Mar does not exist in London (01:00 GMT jumps
    // to 02:00 BST), so it is 02:30 BST = 01:30 UTC, 23 hours later.
    expect(addDuration('2026-03-28T01:30:00Z', { amount: 1, unit: 'days' }, cal)).toBe('2026-03-29T01:30:00.000Z');
    // Sat 24 Oct 2026 01:30 BST (00:30 UTC) + 1 day: 01:30 on Sun 25 Oct happens twice (BST, then GMT);
    // the first, 01:30 BST = 00:30 UTC, is 24 hours later.
    expect(addDuration('2026-10-24T00:30:00Z', { amount: 1, unit: 'days' }, cal)).toBe('2026-10-25T00:30:00.000Z');
  });

  it('business hours across the New York spring change', () => {
    // Fri 6 Mar 2026 16:00 EST (21:00 UTC) + 8 business hours: 1 h on Friday, then Mon 9 Mar (now EDT,
    // UTC-4) 09:00–16:00 → 16:00 EDT = 20:00 UTC.
    expect(addDuration('2026-03-06T21:00:00Z', { amount: 8, unit: 'business-hours' }, calendar('US'))).toBe(
      '2026-03-09T20:00:00.000Z',
    );
  });

  it('business hours across the New York autumn change', () => {
    // Fri 30 Oct 2026 16:00 EDT (20:00 UTC) + 8 business hours: Mon 2 Nov (EST, UTC-5) 09:00–16:00
    // → 16:00 EST = 21:00 UTC.
    expect(addDuration('2026-10-30T20:00:00Z', { amount: 8, unit: 'business-hours' }, calendar('US'))).toBe(
      '2026-11-02T21:00:00.000Z',
    );
  });

  it('US federal holidays: Independence Day observed on Fri 3 Jul 2026', () => {
    // Received Thu 2 Jul 2026 10:00 EDT (14:00 UTC); 1 business day: Fri 3 Jul is the observed holiday,
    // so Mon 6 Jul 17:00 EDT = 21:00 UTC.
    expect(addDuration('2026-07-02T14:00:00Z', bd(1), calendar('US'))).toBe('2026-07-06T21:00:00.000Z');
  });
});

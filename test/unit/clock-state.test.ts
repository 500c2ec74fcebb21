import { buildCalendarSnapshot } from '../../platform/calendar';
import {
  CalendarCoverageError,
  ClockTransitionError,
  InvalidInstantError,
  InvalidSnapshotError,
  dueEvents,
  extendClock,
  markFired,
  nextDueEvent,
  pauseClock,
  resumeClock,
  startClock,
  stopClock,
  timeLeft,
  toEpochMs,
} from '../../domain/clock';
import type { CalendarSnapshot, ClockSpec } from '../../domain/clock';

/**
 * The clock as workflow state. England, 09:00–17:00 on weekdays, GMT throughout (March 2026, before the
 * clocks change on the 29th). A 10-business-day clock received Mon 2 Mar 2026 10:00 counts from Tue 3 Mar:
 * Tue 3 (1) … Fri 6 (4), Mon 9 (5) … Fri 13 (9), Mon 16 Mar (10) → 17:00 on Mon 16 Mar.
 */

const england = buildCalendarSnapshot({ region: 'GB-ENG', from: '2026-01-01', to: '2026-12-31' });
const spec: ClockSpec = { name: 'final-response', target: { amount: 10, unit: 'business-days' }, warnings: [0.5, 0.9] };
const RECEIVED = '2026-03-02T10:00:00Z';

describe('startClock', () => {
  it('computes the deadline, where counting starts, and the warning instants', () => {
    const clock = startClock(spec, RECEIVED, england);
    expect(clock).toMatchObject({
      clock: 'final-response',
      unit: 'business-days',
      target: 10,
      status: 'running',
      startedAt: '2026-03-02T10:00:00.000Z',
      countsFrom: '2026-03-03T09:00:00.000Z',
      deadline: '2026-03-16T17:00:00.000Z',
      pausedTotal: 0,
      breach: { at: '2026-03-16T17:00:00.000Z', fired: false },
    });
    // 5 business days: the end of day 5 (Mon 9 Mar); 9 days: the end of day 9 (Fri 13 Mar).
    expect(clock.warnings.map((w) => w.at)).toEqual(['2026-03-09T17:00:00.000Z', '2026-03-13T17:00:00.000Z']);
  });

  it('is plain JSON: a round trip through JSON.stringify changes nothing', () => {
    const clock = pauseClock(startClock(spec, RECEIVED, england), '2026-03-04T12:00:00Z');
    expect(JSON.parse(JSON.stringify(clock))).toEqual(clock);
    const snapshot = JSON.parse(JSON.stringify(england)) as CalendarSnapshot;
    expect(resumeClock(clock, '2026-03-05T12:00:00Z', snapshot)).toEqual(
      resumeClock(clock, '2026-03-05T12:00:00Z', england),
    );
  });

  it('rejects a zero target, a fraction outside (0, 1) and an instant without an offset', () => {
    expect(() => startClock({ ...spec, target: { amount: 0, unit: 'hours' } }, RECEIVED, england)).toThrow(RangeError);
    expect(() => startClock({ ...spec, warnings: [1] }, RECEIVED, england)).toThrow(/\(0, 1\)/);
    expect(() => startClock(spec, '2026-03-02T10:00:00', england)).toThrow(InvalidInstantError);
    expect(() => startClock(spec, '2026-02-30T10:00:00Z', england)).toThrow(/no such date/);
  });
});

describe('pause and resume in the clock’s own unit', () => {
  it('a pause over a weekend, outside business hours, costs nothing', () => {
    // Paused Fri 6 Mar 17:00 (the close), resumed Mon 9 Mar 09:00 (the opening): no business time passed.
    let clock = startClock(spec, RECEIVED, england);
    clock = pauseClock(clock, '2026-03-06T17:00:00Z');
    clock = resumeClock(clock, '2026-03-09T09:00:00Z', england);
    expect(clock.pausedTotal).toBe(0);
    expect(clock.deadline).toBe('2026-03-16T17:00:00.000Z');
    expect(clock.pauses).toEqual([{ from: '2026-03-06T17:00:00.000Z', to: '2026-03-09T09:00:00.000Z', cost: 0 }]);
  });

  it('a pause from Friday 16:00 to Monday 10:00 costs two business hours, not 66 hours', () => {
    // 1 h on Friday + 1 h on Monday = 2 h = 0.25 of an 8-hour business day. The deadline moves from
    // Mon 16 Mar 17:00 by 2 business hours: Tue 17 Mar 09:00 + 2 h = 11:00.
    let clock = startClock(spec, RECEIVED, england);
    clock = pauseClock(clock, '2026-03-06T16:00:00Z');
    clock = resumeClock(clock, '2026-03-09T10:00:00Z', england);
    expect(clock.pausedTotal).toBeCloseTo(0.25, 12);
    expect(clock.deadline).toBe('2026-03-17T11:00:00.000Z');
  });

  it('a warning whose instant passes during a pause fires at the resume, never skipped', () => {
    // The 50% warning is due Mon 9 Mar 17:00. Paused Mon 9 Mar 12:00, resumed Wed 11 Mar 12:00: the
    // pause costs 5 h (Mon) + 8 h (Tue) + 3 h (Wed) = 16 h = 2 business days, so the deadline moves two
    // business days to Wed 18 Mar 17:00, and the 90% warning moves from Fri 13 to Tue 17 Mar 17:00.
    let clock = startClock(spec, RECEIVED, england);
    clock = pauseClock(clock, '2026-03-09T12:00:00Z');
    expect(nextDueEvent(clock)).toBeNull();
    expect(dueEvents(clock, '2026-03-10T12:00:00Z')).toEqual([]);
    clock = resumeClock(clock, '2026-03-11T12:00:00Z', england);
    expect(clock.pausedTotal).toBeCloseTo(2, 12);
    expect(clock.deadline).toBe('2026-03-18T17:00:00.000Z');
    expect(clock.warnings).toEqual([
      { fraction: 0.5, at: '2026-03-11T12:00:00.000Z', fired: false, late: true },
      { fraction: 0.9, at: '2026-03-17T17:00:00.000Z', fired: false, late: false },
    ]);
    expect(nextDueEvent(clock)).toEqual({
      type: 'warning',
      clock: 'final-response',
      fraction: 0.5,
      at: '2026-03-11T12:00:00.000Z',
      late: true,
    });
  });

  it('a pause before counting starts (on the day of receipt) costs nothing', () => {
    let clock = startClock(spec, RECEIVED, england);
    clock = pauseClock(clock, '2026-03-02T11:00:00Z');
    clock = resumeClock(clock, '2026-03-02T16:00:00Z', england);
    expect(clock.pausedTotal).toBe(0);
    expect(clock.deadline).toBe('2026-03-16T17:00:00.000Z');
  });

  it('a calendar-hour clock is charged the elapsed hours of its pause', () => {
    const hours: ClockSpec = { name: 'first-response', target: { amount: 24, unit: 'hours' } };
    let clock = startClock(hours, '2026-03-06T16:00:00Z', england);
    clock = pauseClock(clock, '2026-03-06T18:00:00Z');
    clock = resumeClock(clock, '2026-03-07T06:00:00Z', england);
    expect(clock.pausedTotal).toBe(12);
    expect(clock.deadline).toBe('2026-03-08T04:00:00.000Z');
  });

  it('refuses transitions that do not apply, or that go back in time', () => {
    const running = startClock(spec, RECEIVED, england);
    expect(() => resumeClock(running, '2026-03-03T10:00:00Z', england)).toThrow(ClockTransitionError);
    const paused = pauseClock(running, '2026-03-03T10:00:00Z');
    expect(() => pauseClock(paused, '2026-03-03T11:00:00Z')).toThrow(/it is paused/);
    expect(() => resumeClock(paused, '2026-03-03T09:00:00Z', england)).toThrow(/last change was at/);
    const stopped = stopClock(paused, '2026-03-04T10:00:00Z', england);
    expect(() => stopClock(stopped, '2026-03-05T10:00:00Z', england)).toThrow(/already stopped/);
    expect(() => extendClock(stopped, { amount: 20, unit: 'business-days' }, '2026-03-05T10:00:00Z', england)).toThrow(
      ClockTransitionError,
    );
  });
});

describe('events, time left and stopping', () => {
  it('fires each event once, in order, then nothing', () => {
    let clock = startClock(spec, RECEIVED, england);
    const seen: string[] = [];
    for (let event = nextDueEvent(clock); event; event = nextDueEvent(clock)) {
      seen.push(`${event.type}@${event.at}`);
      clock = markFired(clock, event);
    }
    expect(seen).toEqual([
      'warning@2026-03-09T17:00:00.000Z',
      'warning@2026-03-13T17:00:00.000Z',
      'breach@2026-03-16T17:00:00.000Z',
    ]);
    expect(dueEvents(clock, '2027-01-01T00:00:00Z')).toEqual([]);
  });

  it('dueEvents returns everything overdue at once, earliest first', () => {
    const clock = startClock(spec, RECEIVED, england);
    expect(dueEvents(clock, '2026-03-14T00:00:00Z').map((e) => e.type)).toEqual(['warning', 'warning']);
    expect(dueEvents(clock, '2026-03-16T17:00:00Z').map((e) => e.type)).toEqual(['warning', 'warning', 'breach']);
  });

  it('time left is in the clock’s unit, frozen while paused, and zero at the deadline', () => {
    let clock = startClock(spec, RECEIVED, england);
    // Wed 4 Mar 13:00: day 1 done, day 2 half done → 1.5 used, 8.5 left.
    expect(timeLeft(clock, '2026-03-04T13:00:00Z', england)).toMatchObject({
      elapsed: 1.5,
      remaining: 8.5,
      overdue: false,
    });
    expect(timeLeft(clock, clock.deadline, england).remaining).toBeCloseTo(0, 9);
    expect(timeLeft(clock, '2026-03-17T13:00:00Z', england)).toMatchObject({ remaining: -0.5, overdue: true });
    clock = pauseClock(clock, '2026-03-04T13:00:00Z');
    expect(timeLeft(clock, '2026-03-10T13:00:00Z', england)).toMatchObject({ remaining: 8.5, status: 'paused' });
  });

  it('stopping records the clock time used and whether the target was met', () => {
    const clock = startClock(spec, RECEIVED, england);
    expect(stopClock(clock, '2026-03-16T16:00:00Z', england).outcome).toEqual({ elapsed: 9.875, met: true });
    expect(stopClock(clock, '2026-03-16T17:00:00Z', england).outcome).toEqual({ elapsed: 10, met: true });
    expect(stopClock(clock, '2026-03-17T10:00:00Z', england).outcome).toEqual({ elapsed: 10.125, met: false });
    expect(nextDueEvent(stopClock(clock, '2026-03-10T10:00:00Z', england))).toBeNull();
  });

  it('stopping while paused charges the open pause, so the time paused is not counted as used', () => {
    let clock = startClock(spec, RECEIVED, england);
    clock = pauseClock(clock, '2026-03-04T13:00:00Z');
    clock = stopClock(clock, '2026-03-20T13:00:00Z', england);
    expect(clock.outcome).toEqual({ elapsed: 1.5, met: true });
    expect(clock.pausedAt).toBeUndefined();
  });

  it('a breach that fired stays fired when the clock is paused and resumed', () => {
    let clock = startClock(spec, RECEIVED, england);
    for (const e of dueEvents(clock, '2026-03-17T10:00:00Z')) clock = markFired(clock, e);
    clock = pauseClock(clock, '2026-03-17T10:00:00Z');
    clock = resumeClock(clock, '2026-03-18T10:00:00Z', england);
    expect(clock.breach.fired).toBe(true);
    expect(nextDueEvent(clock)).toBeNull();
  });

  it('a clock paused when already overdue, with nothing fired yet, fires its warnings before its breach', () => {
    // Paused Tue 17 Mar 10:00, after the 16 Mar 17:00 deadline, before the workflow fired anything.
    let clock = pauseClock(startClock(spec, RECEIVED, england), '2026-03-17T10:00:00Z');
    clock = resumeClock(clock, '2026-03-18T10:00:00Z', england);
    expect(dueEvents(clock, '2026-03-18T10:00:00Z').map((e) => e.type)).toEqual(['warning', 'warning', 'breach']);
  });

  it('an extension after a breach gives the new deadline a breach of its own', () => {
    let clock = startClock(spec, RECEIVED, england);
    for (const e of dueEvents(clock, '2026-03-17T10:00:00Z')) clock = markFired(clock, e);
    clock = extendClock(clock, { amount: 15, unit: 'business-days' }, '2026-03-17T10:00:00Z', england);
    // Day 15 after Tue 3 Mar: Mon 16 (10), Tue 17 … Fri 20 (11–14), Mon 23 Mar (15).
    expect(clock.breach).toEqual({ at: '2026-03-23T17:00:00.000Z', fired: false });
    expect(clock.extensions[0]?.previousBreachFired).toBe(true);
  });

  it('refuses to shorten a clock or change its unit', () => {
    const clock = startClock(spec, RECEIVED, england);
    expect(() => extendClock(clock, { amount: 5, unit: 'business-days' }, RECEIVED, england)).toThrow(/shorten/);
    expect(() => extendClock(clock, { amount: 30, unit: 'days' }, RECEIVED, england)).toThrow(/units must match/);
  });
});

describe('the snapshot boundary', () => {
  it('refuses to compute past the snapshot, naming the date needed', () => {
    const short = buildCalendarSnapshot({ region: 'GB-ENG', from: '2026-03-01', to: '2026-03-10' });
    expect(() => startClock(spec, RECEIVED, short)).toThrow(CalendarCoverageError);
    try {
      startClock(spec, RECEIVED, short);
    } catch (error) {
      expect((error as CalendarCoverageError).neededDate).toBe('2026-03-11');
    }
  });

  it('refuses a snapshot that is not one the calendar activity produced', () => {
    expect(() => startClock(spec, RECEIVED, { ...england, format: 'other' } as unknown as CalendarSnapshot)).toThrow(
      InvalidSnapshotError,
    );
    expect(() => startClock(spec, RECEIVED, { ...england, workingHours: { start: '17:00', end: '09:00' } })).toThrow(
      /end must be after/,
    );
  });

  it('accepts epoch milliseconds as well as ISO strings', () => {
    expect(startClock(spec, toEpochMs(RECEIVED), england)).toEqual(startClock(spec, RECEIVED, england));
    expect(startClock(spec, '2026-03-02T11:00:00+01:00', england)).toEqual(startClock(spec, RECEIVED, england));
  });
});

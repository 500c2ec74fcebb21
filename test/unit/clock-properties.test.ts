import fc from 'fast-check';
import { DateTime } from 'luxon';
import { buildCalendarSnapshot } from '../../platform/calendar';
import {
  DURATION_UNITS,
  addDuration,
  dueEvents,
  isBusinessTime,
  markFired,
  measure,
  nextDueEvent,
  pauseClock,
  resumeClock,
  startClock,
  timeLeft,
  toEpochMs,
  toIso,
  toLocalIso,
} from '../../domain/clock';
import type { AfterCloseOfBusiness, CalendarSnapshot, ClockState, Duration, DurationUnit } from '../../domain/clock';
import { HOUR } from '../support/time';

/**
 * Invariants of the clock arithmetic, checked on generated instants, targets and pause sequences in four
 * calendars (England, Scotland, New York, Germany) over 2025–2026, which include both daylight-saving
 * changes in London and New York each year. Runs are bounded to keep the unit suite fast.
 */

const REGIONS = ['GB-ENG', 'GB-SCT', 'US', 'DE'] as const;
const calendars = new Map<string, CalendarSnapshot>(
  REGIONS.map((region) => [region, buildCalendarSnapshot({ region, from: '2024-12-01', to: '2027-12-31' })]),
);
const cal = (region: string): CalendarSnapshot => calendars.get(region)!;

const FROM = toEpochMs('2025-01-01T00:00:00Z');
const TO = toEpochMs('2026-12-31T23:59:59Z');
const RUNS = { numRuns: 150 };

const instant = fc.integer({ min: FROM, max: TO });
const region = fc.constantFrom(...REGIONS);
const rule = fc.constantFrom<AfterCloseOfBusiness>('same-day', 'next-business-day');
// Quarter steps exercise fractional targets (warnings are fractions of a target) as well as whole ones.
const MAX: Record<DurationUnit, number> = {
  hours: 400,
  days: 70,
  weeks: 10,
  'business-hours': 300,
  'business-days': 40,
};
const duration = fc
  .constantFrom(...DURATION_UNITS)
  .chain((unit) => fc.integer({ min: 0, max: MAX[unit] * 4 }).map((q): Duration => ({ amount: q / 4, unit })));

describe('addDuration and measure', () => {
  it('a deadline is never earlier than the start', () => {
    fc.assert(
      fc.property(instant, duration, region, rule, (start, d, r, afterCloseOfBusiness) => {
        expect(toEpochMs(addDuration(start, d, cal(r), { afterCloseOfBusiness }))).toBeGreaterThanOrEqual(start);
      }),
      RUNS,
    );
  });

  it('adding then measuring gives back the target', () => {
    fc.assert(
      fc.property(instant, duration, region, rule, (start, d, r, afterCloseOfBusiness) => {
        const rules = { afterCloseOfBusiness };
        const deadline = addDuration(start, d, cal(r), rules);
        expect(measure(start, deadline, d.unit, cal(r), rules)).toBeCloseTo(d.amount, 6);
      }),
      RUNS,
    );
  });

  it('a longer target never gives an earlier deadline', () => {
    fc.assert(
      fc.property(instant, duration, fc.integer({ min: 0, max: 40 }), region, (start, d, extraQuarters, r) => {
        const longer = { ...d, amount: d.amount + extraQuarters / 4 };
        expect(toEpochMs(addDuration(start, longer, cal(r)))).toBeGreaterThanOrEqual(
          toEpochMs(addDuration(start, d, cal(r))),
        );
      }),
      RUNS,
    );
  });

  it('the deadline is the first instant the target is reached: a millisecond earlier it is not', () => {
    fc.assert(
      fc.property(instant, duration, region, (start, d, r) => {
        fc.pre(d.amount > 0);
        const deadline = toEpochMs(addDuration(start, d, cal(r)));
        expect(measure(start, deadline - 1, d.unit, cal(r))).toBeLessThan(d.amount);
      }),
      RUNS,
    );
  });

  it('business-unit deadlines fall inside business hours (at the latest, exactly at the close)', () => {
    fc.assert(
      fc.property(instant, region, fc.integer({ min: 1, max: 160 }), (start, r, quarters) => {
        for (const unit of ['business-hours', 'business-days'] as const) {
          const deadline = toEpochMs(addDuration(start, { amount: quarters / 4, unit }, cal(r)));
          expect(isBusinessTime(deadline - 1, cal(r))).toBe(true);
        }
      }),
      RUNS,
    );
  });
});

/** A clock driven the way the workflow drives it: fire what is due before each pause or resume. */
function drive(clock: ClockState, until: number, fired: string[]): ClockState {
  let c = clock;
  for (const event of dueEvents(c, until)) {
    fired.push(event.type === 'warning' ? `warning ${event.fraction}` : 'breach');
    c = markFired(c, event);
  }
  return c;
}

// Each step: run for a while, then pause for a while. `busy` means the workflow had not yet fired what
// was due when the pause arrived (it was handling another message).
const pauses = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 240 * HOUR }), fc.integer({ min: 0, max: 120 * HOUR }), fc.boolean()), {
    minLength: 1,
    maxLength: 4,
  })
  .map((gaps) => gaps.map(([running, paused, busy]) => ({ running, paused, busy })));
const clockUnit = fc.constantFrom<DurationUnit>('hours', 'days', 'business-hours', 'business-days');
const clockTarget = (unit: DurationUnit) => fc.integer({ min: 1, max: unit === 'business-days' ? 15 : 60 });

describe('pausing', () => {
  it('never moves a deadline earlier, and each pause costs exactly the clock time it covered', () => {
    fc.assert(
      fc.property(
        instant,
        region,
        clockUnit.chain((u) => fc.tuple(fc.constant(u), clockTarget(u))),
        pauses,
        (start, r, [unit, target], gaps) => {
          let clock = startClock({ name: 'c', target: { amount: target, unit } }, start, cal(r));
          let t = start;
          for (const { running, paused } of gaps) {
            const before = toEpochMs(clock.deadline);
            t += running;
            clock = pauseClock(clock, t);
            t += paused;
            clock = resumeClock(clock, t, cal(r));
            expect(toEpochMs(clock.deadline)).toBeGreaterThanOrEqual(before);
            const cost = clock.pauses[clock.pauses.length - 1]!.cost;
            const covered = measure(start, toIso(t), unit, cal(r)) - measure(start, toIso(t - paused), unit, cal(r));
            expect(cost).toBeCloseTo(covered, 9);
          }
          // The clock still runs for exactly its target once pauses are taken out.
          expect(timeLeft(clock, clock.deadline, cal(r)).remaining).toBeCloseTo(0, 6);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a pause outside business hours costs no business time and leaves the deadline where it was', () => {
    // Pauses inside a night (17:00 → 09:00 local) or a weekend (Saturday 00:00 → Monday 09:00): never
    // business time whatever the holidays.
    const closedSpan = fc
      .tuple(
        fc.integer({ min: 0, max: 700 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
      )
      .map(([dayOffset, weekend, a, b]) => ({ dayOffset, weekend, a: Math.min(a, b), b: Math.max(a, b) }));
    fc.assert(
      fc.property(
        region,
        closedSpan,
        fc.constantFrom<DurationUnit>('business-hours', 'business-days'),
        fc.integer({ min: 1, max: 20 }),
        (r, span, unit, target) => {
          const zone = cal(r).zone;
          let day = DateTime.fromISO('2025-01-06', { zone }).plus({ days: span.dayOffset });
          if (span.weekend) day = day.plus({ days: 6 - day.weekday }); // the Saturday of that week
          const closedFrom = span.weekend ? day.startOf('day') : day.set({ hour: 17, minute: 0 });
          const closedTo = span.weekend
            ? day.plus({ days: 2 }).set({ hour: 9, minute: 0 })
            : day.plus({ days: 1 }).set({ hour: 9, minute: 0 });
          const length = closedTo.toMillis() - closedFrom.toMillis();
          const pauseAt = closedFrom.toMillis() + Math.floor(span.a * length);
          const resumeAt = closedFrom.toMillis() + Math.floor(span.b * length);
          const startedAt = pauseAt - 3 * 24 * HOUR;
          let clock = startClock({ name: 'c', target: { amount: target, unit } }, startedAt, cal(r));
          const deadline = clock.deadline;
          clock = pauseClock(clock, pauseAt);
          clock = resumeClock(clock, resumeAt, cal(r));
          expect(clock.pausedTotal).toBe(0);
          expect(clock.deadline).toBe(deadline);
        },
      ),
      RUNS,
    );
  });

  it('no warning is ever skipped: each fires exactly once, never while paused, then the breach', () => {
    fc.assert(
      fc.property(
        instant,
        region,
        clockUnit.chain((u) => fc.tuple(fc.constant(u), clockTarget(u))),
        pauses,
        (start, r, [unit, target], gaps) => {
          let clock = startClock(
            { name: 'c', target: { amount: target, unit }, warnings: [0.25, 0.5, 0.75, 0.9] },
            start,
            cal(r),
          );
          const fired: string[] = [];
          let t = start;
          for (const { running, paused, busy } of gaps) {
            t += running;
            if (!busy) clock = drive(clock, t, fired);
            clock = pauseClock(clock, t);
            const firedBefore = fired.length;
            expect(dueEvents(clock, t + paused)).toEqual([]);
            expect(fired.length).toBe(firedBefore);
            t += paused;
            clock = resumeClock(clock, t, cal(r));
          }
          // Run to the end: every remaining event comes due in order.
          for (let e = nextDueEvent(clock); e; e = nextDueEvent(clock)) clock = drive(clock, toEpochMs(e.at), fired);
          expect(fired).toEqual(['warning 0.25', 'warning 0.5', 'warning 0.75', 'warning 0.9', 'breach']);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('daylight saving in London and New York', () => {
  const zones = [
    ['GB-ENG', 'Europe/London'],
    ['US', 'America/New_York'],
  ] as const;

  // Instants within three days of a change (read from the snapshot), where the mistakes would be.
  const nearChange = (r: string) =>
    fc
      .tuple(
        fc.constantFrom(
          ...cal(r)
            .utcOffsets.map((o) => toEpochMs(o.since))
            .filter((ms) => ms > FROM && ms < TO),
        ),
        fc.integer({ min: -72 * HOUR, max: 72 * HOUR }),
      )
      .map(([change, offset]) => change + offset);
  const zoneAndInstant = fc
    .constantFrom(...zones)
    .chain(([r, zone]) => fc.tuple(fc.constant(r), fc.constant(zone), fc.oneof(instant, nearChange(r))));

  it('local time from the snapshot’s recorded offsets matches the time-zone database', () => {
    fc.assert(
      fc.property(zoneAndInstant, ([r, zone, ms]) => {
        expect(toLocalIso(ms, cal(r))).toBe(DateTime.fromMillis(ms, { zone }).toISO());
      }),
      { numRuns: 300 },
    );
  });

  it('whole local days keep the wall time across the changes, as luxon does', () => {
    fc.assert(
      fc.property(zoneAndInstant, fc.integer({ min: 0, max: 70 }), ([r, zone, ms], days) => {
        const expected = DateTime.fromMillis(ms, { zone }).plus({ days }).toUTC().toISO();
        expect(addDuration(ms, { amount: days, unit: 'days' }, cal(r))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('every working day, including the days the clocks change, has exactly 8 business hours', () => {
    const changeDays = [
      '2025-03-09',
      '2025-03-10',
      '2025-03-31',
      '2025-11-03',
      '2025-10-27',
      '2026-03-09',
      '2026-03-30',
      '2026-10-26',
      '2026-11-02',
    ];
    for (const [r, zone] of zones) {
      for (const date of changeDays) {
        const open = DateTime.fromISO(`${date}T09:00`, { zone });
        if (open.weekday > 5 || !isBusinessTime(open.toMillis(), cal(r))) continue;
        const close = open.set({ hour: 17 });
        expect(measure(open.toMillis(), close.toMillis(), 'business-hours', cal(r))).toBe(8);
        expect(addDuration(open.toMillis(), { amount: 8, unit: 'business-hours' }, cal(r))).toBe(close.toUTC().toISO());
      }
    }
  });
});

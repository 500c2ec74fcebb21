import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import {
  CalendarRequestError,
  UnknownRegionError,
  buildCalendarSnapshot,
  calendarSnapshotAround,
  coverageAround,
} from '../../platform/calendar';
import { REGION_CODES } from '../../domain/regions';
import { isBusinessTime } from '../../domain/clock';
import type { CalendarSnapshot } from '../../domain/clock';

/**
 * The calendars come from the holiday library; these tests pin what it must say for 2026 against the
 * published lists (gov.uk/bank-holidays for the UK nations; the OPM federal holiday list for the US), so
 * a library update that changed a nation's holidays would fail here rather than move a deadline silently.
 */

const year2026 = (region: string): CalendarSnapshot =>
  buildCalendarSnapshot({ region, from: '2026-01-01', to: '2026-12-31' });

/** The weekdays of 2026 on which the business does not open at noon, local time. */
function closedWeekdays(snapshot: CalendarSnapshot): string[] {
  const closed: string[] = [];
  for (let d = DateTime.fromISO('2026-01-01', { zone: snapshot.zone }); d.year === 2026; d = d.plus({ days: 1 })) {
    if (d.weekday <= 5 && !isBusinessTime(d.set({ hour: 12 }).toMillis(), snapshot)) closed.push(d.toISODate()!);
  }
  return closed;
}

describe('bank holidays per UK nation, 2026', () => {
  it('England and Wales', () => {
    // gov.uk: 1 Jan, Good Friday 3 Apr, Easter Monday 6 Apr, 4 May, 25 May, 31 Aug, 25 Dec, and Boxing Day
    // substitute Mon 28 Dec (26 Dec is a Saturday).
    const expected = [
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
    ];
    expect(closedWeekdays(year2026('GB-ENG'))).toEqual(expected);
    expect(closedWeekdays(year2026('GB-WLS'))).toEqual(expected);
  });

  it('Scotland: 2 January, no Easter Monday, the first Monday of August, St Andrew’s Day', () => {
    expect(closedWeekdays(year2026('GB-SCT'))).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-04-03',
      '2026-05-04',
      '2026-05-25',
      '2026-08-03',
      '2026-11-30',
      '2026-12-25',
      '2026-12-28',
    ]);
  });

  it('Northern Ireland: St Patrick’s Day and the Battle of the Boyne (substitute Mon 13 July)', () => {
    expect(closedWeekdays(year2026('GB-NIR'))).toEqual([
      '2026-01-01',
      '2026-03-17',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-07-13',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
    ]);
  });

  it('Scotland’s St Andrew’s Day substitute in 2025 (30 Nov is a Sunday)', () => {
    const scotland = buildCalendarSnapshot({ region: 'GB-SCT', from: '2025-11-01', to: '2025-12-31' });
    expect(isBusinessTime('2025-12-01T12:00:00Z', scotland)).toBe(false);
    const england = buildCalendarSnapshot({ region: 'GB-ENG', from: '2025-11-01', to: '2025-12-31' });
    expect(isBusinessTime('2025-12-01T12:00:00Z', england)).toBe(true);
  });
});

describe('other regions', () => {
  it('US federal holidays, 2026, with Independence Day observed on Friday 3 July', () => {
    expect(closedWeekdays(year2026('US'))).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('Ireland includes St Brigid’s Day (first Monday of February 2026) and Good Friday as a bank holiday', () => {
    const ireland = year2026('IE');
    expect(closedWeekdays(ireland)).toEqual(
      expect.arrayContaining(['2026-02-02', '2026-03-17', '2026-04-03', '2026-10-26']),
    );
    expect(ireland.zone).toBe('Europe/Dublin');
  });

  it('Germany closes from 14:00 on Christmas Eve: a short business day, not a whole holiday', () => {
    const germany = year2026('DE');
    expect(germany.holidays.find((h) => h.date === '2026-12-24')).toMatchObject({ closedFrom: '14:00' });
    expect(isBusinessTime('2026-12-24T12:00:00Z', germany)).toBe(true); // 13:00 CET
    expect(isBusinessTime('2026-12-24T13:30:00Z', germany)).toBe(false); // 14:30 CET
  });

  it('counts only holidays that close the business, not observances such as Mother’s Day', () => {
    const names = year2026('GB-ENG').holidays.map((h) => h.name);
    expect(names).not.toContain("Mother's Day");
    expect(names).toContain('Good Friday');
  });
});

describe('the snapshot', () => {
  it('is plain JSON that records its source, zone, hours and offsets', () => {
    const s = year2026('GB-SCT');
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s).toMatchObject({
      region: 'GB-SCT',
      zone: 'Europe/London',
      coverage: { from: '2026-01-01', to: '2026-12-31' },
      workingDays: [1, 2, 3, 4, 5],
      workingHours: { start: '09:00', end: '17:00' },
      source: { library: 'date-holidays', country: 'GB', state: 'SCT', holidayTypes: ['public', 'bank'] },
    });
    // GMT before 29 March 2026 01:00 UTC, BST until 25 October 2026 01:00 UTC.
    expect(s.utcOffsets).toEqual([
      { since: '2025-12-30T00:00:00.000Z', minutes: 0 },
      { since: '2026-03-29T01:00:00.000Z', minutes: 60 },
      { since: '2026-10-25T01:00:00.000Z', minutes: 0 },
    ]);
  });

  it('takes working days, hours and zone from the request over the region’s defaults', () => {
    const s = buildCalendarSnapshot({
      region: 'US',
      from: '2026-01-01',
      to: '2026-01-31',
      zone: 'America/Los_Angeles',
      workingDays: [1, 2, 3, 4, 5, 6],
      workingHours: { start: '08:00', end: '20:00' },
    });
    expect(s.zone).toBe('America/Los_Angeles');
    expect(isBusinessTime('2026-01-10T17:00:00Z', s)).toBe(true); // Saturday 09:00 PST
    expect(isBusinessTime('2026-01-09T16:30:00Z', s)).toBe(true); // Friday 08:30 PST
    expect(isBusinessTime('2026-01-09T15:30:00Z', s)).toBe(false); // Friday 07:30 PST
  });

  it('covers a week before and two years after an instant by default', () => {
    // 2026-03-02 + 731 days: 365 to 2027-03-02, then 366 (2028 is a leap year) to 2028-03-02.
    expect(coverageAround('2026-03-02T10:00:00Z')).toEqual({ from: '2026-02-23', to: '2028-03-02' });
    expect(calendarSnapshotAround('GB-ENG', '2026-03-02T10:00:00Z').coverage).toEqual({
      from: '2026-02-23',
      to: '2028-03-02',
    });
  });

  it('ships every region the issue asks for', () => {
    expect(REGION_CODES).toEqual(
      expect.arrayContaining(['GB-ENG', 'GB-WLS', 'GB-SCT', 'GB-NIR', 'US', 'IE', 'DE', 'FR']),
    );
  });
});

describe('bad requests', () => {
  it('an unknown region names the known ones', () => {
    expect(() => buildCalendarSnapshot({ region: 'GB-XYZ', from: '2026-01-01', to: '2026-12-31' })).toThrow(
      UnknownRegionError,
    );
    expect(() => buildCalendarSnapshot({ region: 'XX', from: '2026-01-01', to: '2026-12-31' })).toThrow(
      /known regions: GB-ENG/,
    );
  });

  it('bad dates, zone or hours say which field is wrong', () => {
    const base = { region: 'GB-ENG', from: '2026-01-01', to: '2026-12-31' };
    expect(() => buildCalendarSnapshot({ ...base, from: '2026-02-30' })).toThrow(/^from: expected a YYYY-MM-DD date/);
    expect(() => buildCalendarSnapshot({ ...base, to: '2025-12-31' })).toThrow(/is before from/);
    expect(() => buildCalendarSnapshot({ ...base, zone: 'Mars/Olympus' })).toThrow(/^zone: unknown IANA time zone/);
    expect(() => buildCalendarSnapshot({ ...base, workingHours: { start: '17:00', end: '09:00' } })).toThrow(
      CalendarRequestError,
    );
    expect(() => buildCalendarSnapshot({ ...base, to: '2040-01-01' })).toThrow(/longer than/);
  });
});

describe('where the calendar code may run', () => {
  // domain/clock is imported by workflow code, which runs in Temporal's deterministic sandbox: it must
  // not reach the holiday library, the time-zone database (luxon/Intl), Node built-ins or the clock.
  const clockDir = join(__dirname, '../../domain/clock');
  it('domain/clock imports only its own modules and never reads the current time', () => {
    for (const file of readdirSync(clockDir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(clockDir, file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect({ file, outside: imports.filter((i) => !i?.startsWith('./')) }).toEqual({ file, outside: [] });
      expect({ file, now: /Date\.now\(|new Date\(\)|Intl\./.test(source) }).toEqual({ file, now: false });
    }
  });
});

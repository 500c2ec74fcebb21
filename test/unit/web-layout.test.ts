import { formatInstant, timeLeftText, zoneOf } from '../../clients/web/layout';

describe('how the pages write instants and time left', () => {
  it('writes an instant in the complaint’s calendar zone, naming the zone', () => {
    expect(formatInstant('2026-07-01T16:05:00Z', 'Europe/London')).toBe('1 Jul 2026, 17:05 BST');
    expect(formatInstant('2026-12-01T16:05:00Z', 'Europe/London')).toBe('1 Dec 2026, 16:05 GMT');
    expect(formatInstant('2026-12-01T16:05:00Z')).toBe('1 Dec 2026, 16:05 UTC');
  });

  it('finds the zone from the region, and says when it fell back to UTC', () => {
    expect(zoneOf('US')).toEqual({ zone: 'America/New_York', known: true });
    expect(zoneOf('XX')).toEqual({ zone: 'UTC', known: false });
    expect(zoneOf(null)).toEqual({ zone: 'UTC', known: false });
  });

  it('writes time left in the largest two units, and overdue time as overdue', () => {
    expect(timeLeftText(2 * 86_400_000 + 3 * 3_600_000 + 59_000)).toBe('2 d 3 h');
    expect(timeLeftText(3 * 3_600_000 + 20 * 60_000)).toBe('3 h 20 min');
    expect(timeLeftText(4 * 60_000 + 10_000)).toBe('4 min 10 s');
    expect(timeLeftText(-(3_600_000 + 5 * 60_000))).toBe('overdue 1 h 5 min');
  });
});

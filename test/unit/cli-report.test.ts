import { instantOption, lastMonth } from '../../clients/cli/report';
import { main } from '../../clients/cli/main';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env: {} }, out, err };
};

describe('redress report', () => {
  it('defaults to the last full calendar month, UTC', () => {
    expect(lastMonth(new Date('2026-01-15T10:00:00Z'))).toEqual({
      from: '2025-12-01T00:00:00.000Z',
      to: '2026-01-01T00:00:00.000Z',
    });
  });

  it('reads a date as UTC midnight and refuses what is not a date', () => {
    expect(instantOption('from', '2025-03-01')).toBe('2025-03-01T00:00:00.000Z');
    expect(instantOption('to', '2025-03-01T12:00:00+01:00')).toBe('2025-03-01T11:00:00.000Z');
    expect(() => instantOption('from', 'last tuesday')).toThrow(/--from must be an ISO date/);
  });

  it('refuses an unknown report, --top on another report, and --csv with --json, with the usage (exit 2)', async () => {
    for (const argv of [
      ['report', 'nope'],
      ['report', 'csat', '--top', '3'],
      ['report', 'breaches', '--csv', '--json'],
    ]) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(/usage: redress report fca-return\|breaches\|csat\|root-cause/);
    }
  });
});

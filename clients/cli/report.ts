import type { BreachReport, CsatReport, RootCauseReport } from '../../store/quality-reports';
import { breachReportCsv, csatReportCsv, rootCauseReportCsv } from '../../store/quality-reports';
import { fcaReturnCsv, type FcaReturn } from '../../store/reports';
import { apiClient, parseCommand, runCommand, table, UsageError, type ApiCliIo } from './api-client';

/**
 * `redress report NAME [--from --to] [--csv]`: a report of the complaint store through the API
 * (`GET /reports/NAME`, supervisors and auditors). A table by default, `--json` the API's JSON, `--csv`
 * the same CSV the API writes (made here from the JSON by the same functions, so the two never differ).
 */

const USAGE =
  'report fca-return|breaches|csat|root-cause [--from DATE] [--to DATE] [--top N] [--csv|--json] [--api URL]\n' +
  '  the period is [from, to): ISO dates (UTC midnight) or instants; by default the last calendar month';

/** How each report prints: its CSV and its table. */
const REPORTS: Record<string, { csv: (r: never) => string; table: (r: never) => string }> = {
  'fca-return': {
    csv: fcaReturnCsv,
    table: (r: FcaReturn) =>
      table([
        ['opened', 'closed', 'upheld', 'partly', 'not upheld', '≤3 business days', '≤8 weeks', 'later', 'redress paid'],
        [
          r.opened,
          r.closed,
          r.outcomes.upheld,
          r.outcomes.partlyUpheld,
          r.outcomes.notUpheld,
          r.closedWithin.threeBusinessDays,
          r.closedWithin.eightWeeks,
          r.closedWithin.later,
          r.redressPaid.map((x) => `${x.amount} ${x.currency}`).join(', ') || '-',
        ].map(String),
      ]),
  },
  breaches: {
    csv: breachReportCsv,
    table: (r: BreachReport) =>
      table([
        ['regime', 'clock', 'clocks', 'breached', 'rate'],
        ...[...r.rows, { regime: 'all', clock: 'all', ...r.total }].map((x) => [
          x.regime,
          x.clock,
          String(x.clocks),
          String(x.breached),
          percent(x.breachRate),
        ]),
      ]),
  },
  csat: {
    csv: csatReportCsv,
    table: (r: CsatReport) =>
      [
        `CSAT ${mean(r.overall.mean)} over ${r.overall.answers} answers; reopened ${r.reopen.reopened} of ${r.reopen.resolved} resolved (${percent(r.reopen.rate)})`,
        table([
          ['by', 'key', 'answers', 'mean'],
          ...(
            [
              ['agent', r.byAgent],
              ['category', r.byCategory],
              ['product', r.byProduct],
            ] as const
          ).flatMap(([by, groups]) => groups.map((g) => [by, g.key ?? '-', String(g.answers), mean(g.mean)])),
        ]),
      ].join('\n'),
  },
  'root-cause': {
    csv: rootCauseReportCsv,
    table: (r: RootCauseReport) =>
      table([
        ['product', 'cause', 'closed', 'share', ...r.months],
        ...r.products.flatMap((p) => [
          [
            p.product ?? '-',
            `(all; ${p.withoutCause} without a cause)`,
            String(p.closed),
            '',
            ...r.months.map(() => ''),
          ],
          ...p.causes.map((c) => [
            p.product ?? '-',
            c.cause,
            String(c.closed),
            percent(c.share),
            ...c.byMonth.map((m) => String(m.closed)),
          ]),
        ]),
      ]),
  },
};

const percent = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const mean = (x: number | null) => (x === null ? '-' : x.toFixed(2));

/** A `--from`/`--to` value as an instant: a date alone is UTC midnight. */
export function instantOption(name: string, value: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value;
  const ms = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso) || Number.isNaN(ms)) {
    throw new UsageError(`--${name} must be an ISO date or instant (2025-01-01, 2025-01-01T00:00:00Z): ${value}`);
  }
  return new Date(ms).toISOString();
}

/** The last full calendar month (UTC) before `now`: the default period. */
export function lastMonth(now: Date): { from: string; to: string } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { from: from.toISOString(), to: to.toISOString() };
}

/** `redress report NAME`: fetches the report for the period and prints it. */
export function run(argv: string[], io: ApiCliIo): Promise<number> {
  return runCommand('report', USAGE, io, async () => {
    const { values, positionals } = parseCommand(argv, {
      from: { type: 'string' },
      to: { type: 'string' },
      top: { type: 'string' },
      csv: { type: 'boolean' },
    });
    if (values.help) return io.out(`usage: redress ${USAGE}`);
    const name = positionals[0];
    const report = name === undefined ? undefined : REPORTS[name];
    if (!name || !report || positionals.length !== 1) {
      throw new UsageError(`give one report: ${Object.keys(REPORTS).join(', ')}`);
    }
    if (values.csv && values.json) throw new UsageError('--csv or --json, not both');
    const period = lastMonth(new Date());
    const query = new URLSearchParams({
      from: values.from === undefined ? period.from : instantOption('from', values.from),
      to: values.to === undefined ? period.to : instantOption('to', values.to),
    });
    if (values.top !== undefined) {
      if (name !== 'root-cause') throw new UsageError('--top is for the root-cause report');
      query.set('top', values.top);
    }
    const env = io.env ?? process.env;
    const { body } = await apiClient(env, values.api).request<never>('GET', `/reports/${name}?${query.toString()}`);
    if (values.json) return io.out(JSON.stringify(body, null, 2));
    // The CSV already ends its last line; io.out adds one more.
    if (values.csv) return io.out(report.csv(body).replace(/\r\n$/, ''));
    io.out(`${name} for [${query.get('from') ?? ''}, ${query.get('to') ?? ''})`);
    io.out(report.table(body));
  });
}

import { z } from 'zod';
import type { Queryable } from '../../store/db';
import {
  breachReport,
  breachReportCsv,
  csatReport,
  csatReportCsv,
  rootCauseReport,
  rootCauseReportCsv,
  type Period,
} from '../../store/quality-reports';
import { fcaReturn, fcaReturnCsv } from '../../store/reports';
import { html, type SafeHtml } from './html';

/**
 * The reports page: a period, and each of the store's reports as a CSV download. The CSV is made here,
 * for the signed-in session, from the same store functions the API's /reports routes call (a browser
 * has no API key to send them, and the key never goes into a page or a cookie).
 */

export const REPORTS = {
  'fca-return': {
    title: 'FCA complaints return (DISP 1.10)',
    csv: async (db: Queryable, p: Period) => fcaReturnCsv(await fcaReturn(db, p)),
  },
  breaches: {
    title: 'Deadlines breached by regime and clock',
    csv: async (db: Queryable, p: Period) => breachReportCsv(await breachReport(db, p)),
  },
  csat: {
    title: 'Satisfaction by agent, category and product; reopen rate',
    csv: async (db: Queryable, p: Period) => csatReportCsv(await csatReport(db, p)),
  },
  'root-cause': {
    title: 'Top root causes per product, by month',
    csv: async (db: Queryable, p: Period) => rootCauseReportCsv(await rootCauseReport(db, p, 5)),
  },
} as const;
export type ReportName = keyof typeof REPORTS;
export const REPORT_NAMES = Object.keys(REPORTS) as ReportName[];

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-01-31');
/** The period as the page asks for it: whole UTC days, `to` inclusive. */
export const PeriodQuerySchema = z.object({ from: Day.optional(), to: Day.optional() });

/** The period of the page's query (default: this month so far, to today), as `[from, to)` instants. */
export function periodOf(
  q: z.infer<typeof PeriodQuerySchema>,
  now: number,
): Period & { fromDay: string; toDay: string } {
  const today = new Date(now).toISOString().slice(0, 10);
  const fromDay = q.from ?? `${today.slice(0, 8)}01`;
  const toDay = q.to ?? today;
  const from = new Date(`${fromDay}T00:00:00Z`);
  const to = new Date(`${toDay}T00:00:00Z`);
  to.setUTCDate(to.getUTCDate() + 1);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new RangeError('the period is empty: "to" must be on or after "from"');
  }
  return { from: from.toISOString(), to: to.toISOString(), fromDay, toDay };
}

export function renderReports(period: { fromDay: string; toDay: string }): SafeHtml {
  const q = `from=${encodeURIComponent(period.fromDay)}&to=${encodeURIComponent(period.toDay)}`;
  return html`<form method="get" action="/ui/reports" class="filters" aria-label="Report period">
      <div class="field">
        <label for="r-from">From (UTC day)</label
        ><input type="date" id="r-from" name="from" value="${period.fromDay}" required />
      </div>
      <div class="field">
        <label for="r-to">To (UTC day, included)</label
        ><input type="date" id="r-to" name="to" value="${period.toDay}" required />
      </div>
      <div class="field"><button type="submit">Set period</button></div>
    </form>
    <h2>Downloads for ${period.fromDay} to ${period.toDay}</h2>
    <ul>
      ${REPORT_NAMES.map((n) => html`<li><a href="/ui/reports/${n}.csv?${q}" download>${REPORTS[n].title} (CSV)</a></li>`)}
    </ul>
    <p class="hint">
      The same reports as JSON, for a program with an API key:
      <code>GET /reports/&lt;name&gt;?from=…&amp;to=…</code> (docs/api.md).
    </p>`;
}

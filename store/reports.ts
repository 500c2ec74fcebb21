import { NO_PRODUCT_GROUPS, productGroupOf, sumByProductGroup, type ProductGroups } from '../domain/product-groups';
import { toCsv } from './csv';
import type { Queryable } from './db';

/**
 * Reports computed from the store. The FCA complaints return (DISP 1.10) counts, for a period: the
 * complaints opened, those closed and their outcome, how fast they were closed, and the redress paid.
 *
 * Only complaints of the FCA's regimes ({@link FCA_REGIMES}) are counted: the return is the FCA's, and a
 * CFPB or default-regime complaint in it would overstate what the firm reports to its regulator.
 *
 * "Closed" is the final response (or summary resolution) the view records, else the resolution event.
 * "Within 3 business days" is a closure by the deadline of the complaint's `summary-resolution` clock
 * (the FCA DISP regime's 3-business-day window, computed by the workflow with the region's calendar);
 * a complaint without that clock is judged against 8 weeks only. That includes every `fca-payments`
 * complaint: its policy has no summary-resolution window, so no workflow computed the close of its
 * third business day, and the store holds no business calendar to compute it after the fact (the
 * holidays in force when the complaint arrived are in the workflow's history, not in the store). Such
 * complaints are counted apart in `closedWithoutThreeDayWindow`, so the reader sees that the 3-day
 * figure leaves them out rather than reading them as slow. "Within 8 weeks" is calendar time from
 * receipt. Redress is the amount of remedies fulfilled in the period, by currency.
 */
export interface FcaReturn {
  from: string;
  to: string;
  opened: number;
  closed: number;
  outcomes: { upheld: number; partlyUpheld: number; notUpheld: number; unknown: number };
  closedWithin: { threeBusinessDays: number; eightWeeks: number; later: number };
  /** Of the closed, those without a 3-business-day window to judge (all `fca-payments` ones): never in `threeBusinessDays`. */
  closedWithoutThreeDayWindow: number;
  redressPaid: Array<{ currency: string; amount: number; remedies: number }>;
  /**
   * The closed complaints by product group and root cause (`unspecified` / `unrecorded` where the
   * complaint named none), with the same outcome and speed counts: what DISP 1.10 asks per product.
   */
  byProductAndCause: Array<{ product: string; cause: string } & ClosedCounts>;
  /**
   * Opened and closed complaints by the return's product/service grouping (DISP 1 Annex 1R), through the
   * deployment's mapping (domain/product-groups.ts): every group, `other` last, holding every product the
   * mapping does not name (and complaints with none).
   */
  byProductGroup: Array<{ group: string; label: string; products: string[] } & GroupCounts>;
  /** What fell to `other` for want of a mapping: distinct products (`unspecified` counts as one) and complaints. */
  unmapped: { products: number; opened: number; closed: number };
}

/** The closed complaints of one group of the return, by outcome and by speed. */
interface ClosedCounts {
  closed: number;
  upheld: number;
  partlyUpheld: number;
  notUpheld: number;
  withinThreeBusinessDays: number;
  withinEightWeeks: number;
  later: number;
}
/** The counts of one product group: its opened complaints too. */
type GroupCounts = { opened: number } & ClosedCounts;
const GROUP_COUNTS: ReadonlyArray<keyof GroupCounts> = [
  'opened',
  'closed',
  'upheld',
  'partlyUpheld',
  'notUpheld',
  'withinThreeBusinessDays',
  'withinEightWeeks',
  'later',
];

/** The product name of complaints that have none, in the rows by product and cause. */
const UNSPECIFIED = 'unspecified';

/** When a complaint closed, for every report of closures: its final response, else its resolution. */
export const CLOSED_AT = 'COALESCE(c.final_response_at, c.resolved_at)';

/**
 * The regimes (policy ids) whose complaints the FCA return counts: FCA DISP and its payment-services
 * rules. A firm's own policy for FCA business must use one of these ids to be counted.
 */
export const FCA_REGIMES: readonly string[] = ['fca-disp', 'fca-payments'];

/**
 * The return for complaints in `[from, to)` (ISO-8601 instants), grouped by `groups` (the deployment's
 * mapping, platform/product-group-files.ts; without one, every product is `other` and says so in `unmapped`).
 */
export async function fcaReturn(
  db: Queryable,
  period: { from: string; to: string },
  groups: ProductGroups = NO_PRODUCT_GROUPS,
): Promise<FcaReturn> {
  // Regimes as a JSON array: the two drivers encode array parameters differently (store/db.ts).
  const p = [period.from, period.to, JSON.stringify(FCA_REGIMES)];
  const fca = 'c.regime IN (SELECT jsonb_array_elements_text($3::jsonb))';
  const opened = await db.query<{ product: string | null; n: number }>(
    `SELECT c.product, count(*)::int AS n FROM complaints c
     WHERE ${fca} AND c.received_at >= $1::timestamptz AND c.received_at < $2::timestamptz
     GROUP BY 1 ORDER BY 1`,
    p,
  );
  const redress = await db.query<{ currency: string; amount: number; remedies: number }>(
    `SELECT r.currency, sum(r.amount)::float8 AS amount, count(*)::int AS remedies
     FROM complaint_remedies r JOIN complaints c ON c.complaint_id = r.complaint_id
     WHERE ${fca} AND r.status = 'fulfilled' AND r.amount IS NOT NULL AND r.currency IS NOT NULL
       AND r.fulfilled_at >= $1::timestamptz AND r.fulfilled_at < $2::timestamptz
     GROUP BY r.currency ORDER BY r.currency`,
    p,
  );
  const closedRows = await db.query<{
    product: string;
    cause: string;
    n: number;
    upheld: number;
    partly: number;
    not_upheld: number;
    three: number;
    no_window: number;
    eight: number;
  }>(
    `SELECT COALESCE(c.product, '${UNSPECIFIED}') AS product, COALESCE(c.cause, 'unrecorded') AS cause,
       count(*)::int AS n,
       count(*) FILTER (WHERE c.outcome = 'upheld')::int AS upheld,
       count(*) FILTER (WHERE c.outcome = 'partly-upheld')::int AS partly,
       count(*) FILTER (WHERE c.outcome = 'not-upheld')::int AS not_upheld,
       count(*) FILTER (WHERE sr.deadline IS NOT NULL AND ${CLOSED_AT} <= sr.deadline)::int AS three,
       count(*) FILTER (WHERE sr.deadline IS NULL)::int AS no_window,
       count(*) FILTER (WHERE ${CLOSED_AT} <= c.received_at + interval '56 days')::int AS eight
     FROM complaints c
     LEFT JOIN complaint_clocks sr ON sr.complaint_id = c.complaint_id AND sr.clock = 'summary-resolution'
     WHERE ${fca} AND ${CLOSED_AT} >= $1::timestamptz AND ${CLOSED_AT} < $2::timestamptz
     GROUP BY 1, 2 ORDER BY 1, 2`,
    p,
  );
  // The totals are the sums of the groups: one query, so the two can never disagree.
  const c = closedRows.rows.reduce(
    (t, g) => ({
      n: t.n + g.n,
      upheld: t.upheld + g.upheld,
      partly: t.partly + g.partly,
      not_upheld: t.not_upheld + g.not_upheld,
      three: t.three + g.three,
      no_window: t.no_window + g.no_window,
      eight: t.eight + g.eight,
    }),
    { n: 0, upheld: 0, partly: 0, not_upheld: 0, three: 0, no_window: 0, eight: 0 },
  );
  const byProduct = productRows(opened.rows, closedRows.rows);
  const byProductGroup = sumByProductGroup(groups, GROUP_COUNTS, byProduct);
  const unmapped = byProduct.filter((r) => !productGroupOf(groups, r.product).mapped);
  return {
    from: period.from,
    to: period.to,
    opened: opened.rows.reduce((n, r) => n + r.n, 0),
    closed: c.n,
    outcomes: {
      upheld: c.upheld,
      partlyUpheld: c.partly,
      notUpheld: c.not_upheld,
      unknown: c.n - c.upheld - c.partly - c.not_upheld,
    },
    // The buckets partition the closed complaints: 3 business days always fall within 8 weeks.
    closedWithin: { threeBusinessDays: c.three, eightWeeks: c.eight - c.three, later: c.n - c.eight },
    closedWithoutThreeDayWindow: c.no_window,
    redressPaid: redress.rows,
    byProductAndCause: closedRows.rows.map((g) => ({
      product: g.product,
      cause: g.cause,
      closed: g.n,
      upheld: g.upheld,
      partlyUpheld: g.partly,
      notUpheld: g.not_upheld,
      withinThreeBusinessDays: g.three,
      withinEightWeeks: g.eight - g.three,
      later: g.n - g.eight,
    })),
    byProductGroup,
    unmapped: {
      products: unmapped.length,
      opened: unmapped.reduce((n, r) => n + r.opened, 0),
      closed: unmapped.reduce((n, r) => n + r.closed, 0),
    },
  };
}

/**
 * One row a product (null: none given) with its opened and closed counts: the opened complaints by product
 * merged with the closed ones, whose rows are per product and cause. `unspecified` (the closed query's name
 * for no product) is read back as null, so a complaint without a product is one product whichever query saw it.
 */
function productRows(
  opened: ReadonlyArray<{ product: string | null; n: number }>,
  closed: ReadonlyArray<{
    product: string;
    n: number;
    upheld: number;
    partly: number;
    not_upheld: number;
    three: number;
    eight: number;
  }>,
): Array<{ product: string | null } & GroupCounts> {
  const rows = new Map<string | null, { product: string | null } & GroupCounts>();
  const row = (product: string | null) => {
    let r = rows.get(product);
    if (!r)
      rows.set(
        product,
        (r = { product, ...Object.fromEntries(GROUP_COUNTS.map((k) => [k, 0])) } as {
          product: string | null;
        } & GroupCounts),
      );
    return r;
  };
  for (const o of opened) row(o.product).opened += o.n;
  for (const g of closed) {
    const r = row(g.product === UNSPECIFIED ? null : g.product);
    r.closed += g.n;
    r.upheld += g.upheld;
    r.partlyUpheld += g.partly;
    r.notUpheld += g.not_upheld;
    r.withinThreeBusinessDays += g.three;
    r.withinEightWeeks += g.eight - g.three;
    r.later += g.n - g.eight;
  }
  return [...rows.values()];
}

/** The return as CSV: one `measure,value` line each (redress one line a currency), RFC 4180 quoting. */
export function fcaReturnCsv(r: FcaReturn): string {
  const rows: Array<[string, string | number]> = [
    ['from', r.from],
    ['to', r.to],
    ['opened', r.opened],
    ['closed', r.closed],
    ['closed_upheld', r.outcomes.upheld],
    ['closed_partly_upheld', r.outcomes.partlyUpheld],
    ['closed_not_upheld', r.outcomes.notUpheld],
    ['closed_outcome_unknown', r.outcomes.unknown],
    ['closed_within_3_business_days', r.closedWithin.threeBusinessDays],
    ['closed_within_8_weeks', r.closedWithin.eightWeeks],
    ['closed_after_8_weeks', r.closedWithin.later],
    ['closed_without_3_business_day_window', r.closedWithoutThreeDayWindow],
    ...r.redressPaid.map((x): [string, number] => [`redress_paid_${x.currency}`, x.amount]),
    ...r.byProductAndCause.flatMap((g) => closedLines(`product=${g.product};cause=${g.cause}`, g)),
    ...r.byProductGroup.flatMap((g): Array<[string, number]> => [
      [`opened[group=${g.group}]`, g.opened],
      ...closedLines(`group=${g.group}`, g),
    ]),
    ['unmapped_products', r.unmapped.products],
    ['unmapped_opened', r.unmapped.opened],
    ['unmapped_closed', r.unmapped.closed],
  ];
  return toCsv(['measure', 'value'], rows);
}

/** The closed, outcome and speed lines of one group of the return, each measure suffixed `[at]`. */
function closedLines(at: string, g: ClosedCounts): Array<[string, number]> {
  return [
    [`closed[${at}]`, g.closed],
    [`closed_upheld[${at}]`, g.upheld],
    [`closed_partly_upheld[${at}]`, g.partlyUpheld],
    [`closed_not_upheld[${at}]`, g.notUpheld],
    [`closed_within_3_business_days[${at}]`, g.withinThreeBusinessDays],
    [`closed_within_8_weeks[${at}]`, g.withinEightWeeks],
    [`closed_after_8_weeks[${at}]`, g.later],
  ];
}

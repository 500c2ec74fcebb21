import type { Db } from '../../store/db';
import { loadProductGroups } from '../../platform/product-group-files';
import { fcaReturn, fcaReturnCsv } from '../../store/reports';
import { lifecycle, updated, view } from '../support/store-events';
import { applyEvents as apply, DRIVERS, freshStore } from '../support/store';

/**
 * The FCA complaints return (store/reports.ts) of a fixture period, every figure counted by hand, on
 * PGlite and on PostgreSQL. The fixture mixes in complaints of other regimes, which the return must
 * leave out, and a payment-services one, which it counts without a 3-business-day window to judge.
 */
const PERIOD = { from: '2025-01-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' };
/** The shipped mapping alone (no operator file, whatever the environment says). */
const SHIPPED_GROUPS = loadProductGroups({ overrideFile: null });

describe.each(DRIVERS)('the FCA return on %s', (driver) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await freshStore(driver));
  });
  afterAll(() => close());

  it('computes the FCA return of a period, counting only complaints of the FCA regimes', async () => {
    const clocks = (summaryDeadline: string) => [
      {
        clock: 'summary-resolution',
        kind: 'window' as const,
        status: 'stopped' as const,
        deadline: summaryDeadline,
        breached: false,
        met: null,
      },
    ];
    const closedView = (
      receivedAt: string,
      finalResponseAt: string,
      outcome: 'upheld' | 'partly-upheld' | 'not-upheld',
      sr: string | null,
      product: string | null = null,
      cause: string | null = null,
      regime = 'fca-disp',
    ) =>
      view({
        stage: 'resolved',
        regime,
        receivedAt,
        finalResponseAt,
        outcome,
        nextDeadline: null,
        // Only fca-disp has the summary-resolution window; the other regimes' views carry none.
        clocks: sr === null ? [] : clocks(sr),
        category: 'report',
        product,
        cause,
      });
    await apply(db, [
      updated(
        'r-1',
        closedView(
          '2025-01-06T09:00:00.000Z',
          '2025-01-07T09:00:00.000Z',
          'upheld',
          '2025-01-09T17:00:00.000Z',
          'cards',
          'billing-error',
        ),
      ),
      updated(
        'r-2',
        closedView(
          '2025-01-06T09:00:00.000Z',
          '2025-02-10T09:00:00.000Z',
          'not-upheld',
          '2025-01-09T17:00:00.000Z',
          'cards',
          'service-delay',
        ),
      ),
      updated(
        'r-3',
        closedView(
          '2024-12-20T09:00:00.000Z',
          '2025-03-01T09:00:00.000Z',
          'partly-upheld',
          '2024-12-24T17:00:00.000Z',
          'loans',
        ),
      ),
      updated('r-4', view({ receivedAt: '2025-02-01T09:00:00.000Z', category: 'report' })),
      // Not the FCA's: a CFPB complaint closed next day with redress paid, and a default-regime one opened.
      updated(
        'r-5',
        closedView(
          '2025-01-10T14:00:00.000Z',
          '2025-01-11T14:00:00.000Z',
          'upheld',
          null,
          'cards',
          'billing-error',
          'cfpb',
        ),
      ),
      updated('r-6', view({ regime: 'default', receivedAt: '2025-02-02T09:00:00.000Z', category: 'report' })),
      lifecycle('r-5', 'remedy-proposed:r5', 'complaint.remedy-proposed', '2025-01-11T14:00:00.000Z', {
        remedyId: 'r5',
        kind: 'refund',
        amount: 50,
        currency: 'USD',
        needsApproval: false,
      }),
      lifecycle('r-5', 'remedy-fulfilled:r5', 'complaint.remedy-fulfilled', '2025-01-12T14:00:00.000Z', {
        remedyId: 'r5',
      }),
      // An FCA payment-services complaint closed on its third day: counted, but no window to judge 3 days by.
      updated(
        'r-7',
        closedView(
          '2025-01-13T09:00:00.000Z',
          '2025-01-15T09:00:00.000Z',
          'upheld',
          null,
          'payment-services',
          'billing-error',
          'fca-payments',
        ),
      ),
      lifecycle('r-1', 'remedy-proposed:r1', 'complaint.remedy-proposed', '2025-01-07T09:00:00.000Z', {
        remedyId: 'r1',
        kind: 'refund',
        amount: 30,
        currency: 'GBP',
        needsApproval: false,
      }),
      lifecycle('r-1', 'remedy-fulfilled:r1', 'complaint.remedy-fulfilled', '2025-01-08T09:00:00.000Z', {
        remedyId: 'r1',
      }),
    ]);
    const r = await fcaReturn(db, PERIOD, SHIPPED_GROUPS);
    // The product groups have a test of their own, below.
    const { byProductGroup: _groups, unmapped: _unmapped, ...figures } = r;
    expect(figures).toEqual({
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-04-01T00:00:00.000Z',
      // Opened in the period: r-1, r-2, r-4 (fca-disp) and r-7 (fca-payments); r-3 came in 2024; r-5
      // (cfpb) and r-6 (default) are not the FCA's.
      opened: 4,
      closed: 4,
      outcomes: { upheld: 2, partlyUpheld: 1, notUpheld: 1, unknown: 0 },
      // r-1 by its window; r-2 and r-7 (no window: judged on 8 weeks only) within 8 weeks; r-3 later.
      closedWithin: { threeBusinessDays: 1, eightWeeks: 2, later: 1 },
      closedWithoutThreeDayWindow: 1,
      // r-5's 50 USD is CFPB business.
      redressPaid: [{ currency: 'GBP', amount: 30, remedies: 1 }],
      // Counted by hand: r-1 a card billing error upheld next day; r-2 a card delay, not upheld in
      // 5 weeks; r-3 a loan, no cause recorded, partly upheld after 10 weeks; r-7 a payment-services
      // billing error upheld in 2 days. r-5, a card billing error too, is in no group.
      byProductAndCause: [
        {
          product: 'cards',
          cause: 'billing-error',
          closed: 1,
          upheld: 1,
          partlyUpheld: 0,
          notUpheld: 0,
          withinThreeBusinessDays: 1,
          withinEightWeeks: 0,
          later: 0,
        },
        {
          product: 'cards',
          cause: 'service-delay',
          closed: 1,
          upheld: 0,
          partlyUpheld: 0,
          notUpheld: 1,
          withinThreeBusinessDays: 0,
          withinEightWeeks: 1,
          later: 0,
        },
        {
          product: 'loans',
          cause: 'unrecorded',
          closed: 1,
          upheld: 0,
          partlyUpheld: 1,
          notUpheld: 0,
          withinThreeBusinessDays: 0,
          withinEightWeeks: 0,
          later: 1,
        },
        {
          product: 'payment-services',
          cause: 'billing-error',
          closed: 1,
          upheld: 1,
          partlyUpheld: 0,
          notUpheld: 0,
          withinThreeBusinessDays: 0,
          withinEightWeeks: 1,
          later: 0,
        },
      ],
    });
    expect(fcaReturnCsv(r)).toContain('closed[product=loans;cause=unrecorded],1\r\n');
    expect(fcaReturnCsv(r)).toContain(
      'closed_within_3_business_days,1\r\nclosed_within_8_weeks,2\r\nclosed_after_8_weeks,1\r\n' +
        'closed_without_3_business_day_window,1\r\n',
    );
    expect(fcaReturnCsv(r)).toContain('redress_paid_GBP,30\r\n');
  });

  it('groups the return by the shipped product groups, reporting unmapped products as other', async () => {
    const r = await fcaReturn(db, PERIOD, SHIPPED_GROUPS);
    const counts = { opened: 0, closed: 0, upheld: 0, partlyUpheld: 0, notUpheld: 0 };
    const speeds = { withinThreeBusinessDays: 0, withinEightWeeks: 0, later: 0 };
    const empty = (group: string, label: string) => ({ group, label, products: [], ...counts, ...speeds });
    // By hand, with the fixture above: cards, current-account and payment-services are banking in the shipped
    // file; loans is in no group. Opened: r-1, r-2 (cards), r-4 (current-account), r-7 (payment-services).
    // Closed: r-1 (upheld, by its window), r-2 (not upheld, 5 weeks), r-7 (upheld, 2 days, no window) in
    // banking; r-3 (a loan, partly upheld after 10 weeks) in other. CFPB's r-5 is in no group.
    expect(r.byProductGroup).toEqual([
      {
        group: 'banking-and-credit-cards',
        label: 'Banking and credit cards',
        products: ['cards', 'current-account', 'payment-services'],
        opened: 4,
        closed: 3,
        upheld: 2,
        partlyUpheld: 0,
        notUpheld: 1,
        withinThreeBusinessDays: 1,
        withinEightWeeks: 2,
        later: 0,
      },
      empty('decumulation-and-pensions', 'Decumulation and pensions'),
      empty('home-finance', 'Home finance'),
      empty('insurance-and-pure-protection', 'Insurance and pure protection'),
      empty('investments', 'Investments'),
      {
        ...empty('other', 'Other (products with no group in the mapping)'),
        products: ['loans'],
        closed: 1,
        partlyUpheld: 1,
        later: 1,
      },
    ]);
    expect(r.unmapped).toEqual({ products: 1, opened: 0, closed: 1 });
    // The groups add up to the return's own totals.
    expect(r.byProductGroup.reduce((n, g) => n + g.opened, 0)).toBe(r.opened);
    expect(r.byProductGroup.reduce((n, g) => n + g.closed, 0)).toBe(r.closed);
    const csv = fcaReturnCsv(r);
    expect(csv).toContain(
      '\r\nopened[group=banking-and-credit-cards],4\r\nclosed[group=banking-and-credit-cards],3\r\n',
    );
    expect(csv).toContain('\r\nclosed_after_8_weeks[group=other],1\r\n');
    expect(csv).toContain('\r\nunmapped_products,1\r\nunmapped_opened,0\r\nunmapped_closed,1\r\n');
  });

  it('reports every product as other, and says how many, when the return is given no mapping', async () => {
    const r = await fcaReturn(db, PERIOD);
    expect(r.byProductGroup.map((g) => [g.group, g.opened, g.closed])).toEqual([['other', 4, 4]]);
    expect(r.unmapped).toEqual({ products: 4, opened: 4, closed: 4 });
  });
});

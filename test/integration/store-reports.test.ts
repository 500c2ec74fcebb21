import type { ClockView, ComplaintView } from '../../domain/complaint-view';
import type { OutboundEvent } from '../../domain/events';
import type { Db } from '../../store/db';
import {
  breachReport,
  breachReportCsv,
  csatReport,
  csatReportCsv,
  monthsOf,
  rootCauseReport,
  rootCauseReportCsv,
} from '../../store/quality-reports';
import { getComplaint } from '../../store/queries';
import { decodeRecord, type StoreRecord } from '../../store/records';
import { lifecycle, updated, view } from '../support/store-events';
import { applyStoreRecords, DRIVERS, freshStore } from '../support/store';

/**
 * The breach, CSAT and root-cause reports over fixtures whose figures are counted by hand in the comments,
 * on embedded PGlite and on a real PostgreSQL server. Each report's fixtures lie in a period of their own.
 */

let offset = 0;
const decode = (e: OutboundEvent): StoreRecord => {
  const d = decodeRecord('lifecycle', Buffer.from(JSON.stringify(e)), Buffer.from(e.complaintId), {
    topic: 'complaints.lifecycle',
    partition: 0,
    offset: String((offset += 1)),
  });
  if (!d.ok) throw new Error(`fixture did not decode: ${d.rejection.reason}`);
  return d.record;
};
const apply = (db: Db, events: OutboundEvent[]) => applyStoreRecords(db, events.map(decode));

const clock = (name: string, deadline: string, over: Partial<ClockView> = {}): ClockView => ({
  clock: name,
  kind: 'deadline',
  status: 'stopped',
  deadline,
  breached: false,
  met: true,
  ...over,
});
const breached = { status: 'running', breached: true, met: null } as const;
const running = { status: 'running', met: null } as const;

// Period 2025-Q1. Counted: cfpb/cfpb-response 1 ran 0 breached; cfpb/first-response 1/0;
// fca-disp/final-response 2/1 (b-1 breached, b-2 met); fca-disp/first-response 2/1 (b-1 met, b-2 breached).
// Not counted: b-4's running first-response, its final-response due after the period and its window; b-5 (before).
const BREACH_VIEWS: Array<[string, Partial<ComplaintView>]> = [
  [
    'b-1',
    {
      clocks: [
        clock('first-response', '2025-01-02T09:00:00.000Z'),
        clock('final-response', '2025-02-20T09:00:00.000Z', breached),
      ],
    },
  ],
  [
    'b-2',
    {
      clocks: [
        clock('first-response', '2025-01-03T09:00:00.000Z', breached),
        clock('final-response', '2025-03-01T09:00:00.000Z'),
      ],
    },
  ],
  [
    'b-3',
    {
      regime: 'cfpb',
      clocks: [clock('first-response', '2025-01-05T09:00:00.000Z'), clock('cfpb-response', '2025-01-20T09:00:00.000Z')],
    },
  ],
  [
    'b-4',
    {
      clocks: [
        clock('first-response', '2025-01-10T09:00:00.000Z', running),
        clock('final-response', '2025-05-01T09:00:00.000Z'),
        clock('summary-resolution', '2025-01-08T17:00:00.000Z', { kind: 'window', met: null }),
      ],
    },
  ],
  ['b-5', { clocks: [clock('first-response', '2024-12-31T23:59:59.000Z', breached)] }],
];

// Period 2025-Q1. Answers: s-1 5, s-2 3 and 4 (resolved twice), s-3 2, s-4 1; s-5 answered before the
// period; s-6 resolved without an answer. Resolved in the period: s-1, s-2, s-3, s-4, s-6; reopened since
// the period began: s-2 (s-5's reopening follows a resolution before the period).
type Who = Pick<ComplaintView, 'assignee' | 'category' | 'product'>;
const CSAT: Array<[string, Who, Array<[string, string, number | null]>]> = [
  ['s-1', { assignee: 'agent-a', category: 'billing', product: 'card' }, [['resolved:c0', '2025-01-10', 5]]],
  [
    's-2',
    { assignee: 'agent-a', category: 'billing', product: 'mortgage' },
    [
      ['resolved:c0', '2025-02-10', 3],
      ['reopened:1', '2025-02-15', null],
      ['resolved:c1', '2025-03-01', 4],
    ],
  ],
  ['s-3', { assignee: 'agent-b', category: 'service', product: 'card' }, [['resolved:c0', '2025-03-10', 2]]],
  ['s-4', { assignee: null, category: 'service', product: null }, [['resolved:c0', '2025-03-20', 1]]],
  [
    's-5',
    { assignee: 'agent-b', category: 'billing', product: 'card' },
    [
      ['resolved:c0', '2024-12-20', 5],
      ['reopened:1', '2025-01-05', null],
    ],
  ],
  ['s-6', { assignee: 'agent-b', category: 'billing', product: 'card' }, [['resolved:c0', '2025-03-25', null]]],
];

// Period 2024-Q1, top 2. card: 6 closed, 1 without a cause; billing-error 3 (Jan 1, Feb 2), then
// communication and service-delay 1 each (tie: by code). mortgage: 2. No product: 1. rc-7 closed at `to`.
const ROOT_CAUSES: Array<[string, string | null, string | undefined, string]> = [
  ['rc-1', 'card', 'billing-error', '2024-01-10T09:00:00.000Z'],
  ['rc-2', 'card', 'billing-error', '2024-02-10T09:00:00.000Z'],
  ['rc-3', 'card', 'billing-error', '2024-02-20T09:00:00.000Z'],
  ['rc-4', 'card', 'service-delay', '2024-01-15T09:00:00.000Z'],
  ['rc-5', 'card', 'communication', '2024-03-05T09:00:00.000Z'],
  // A view published before views carried a cause: no `cause` key at all.
  ['rc-6', 'card', undefined, '2024-03-06T09:00:00.000Z'],
  ['rc-7', 'card', 'staff-conduct', '2024-04-01T00:00:00.000Z'],
  ['rc-8', 'mortgage', 'arrears-and-collections', '2024-03-31T23:00:00.000Z'],
  ['rc-9', 'mortgage', 'service-delay', '2024-01-31T23:30:00.000Z'],
  ['rc-10', null, 'other', '2024-02-01T09:00:00.000Z'],
];

describe.each(DRIVERS)('the reports on %s', (driver) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await freshStore(driver));
    await apply(db, [
      ...BREACH_VIEWS.map(([id, over]) => updated(id, view({ category: 'breaches', nextDeadline: null, ...over }))),
      ...CSAT.flatMap(([id, who, steps]) => [
        updated(id, view({ ...who, clocks: [], nextDeadline: null })),
        ...steps.map(([step, day, csat]) =>
          step.startsWith('resolved')
            ? lifecycle(id, step, 'complaint.resolved', `${day}T12:00:00.000Z`, { outcome: 'upheld', csat })
            : lifecycle(id, step, 'complaint.reopened', `${day}T12:00:00.000Z`, { by: 'customer' }),
        ),
      ]),
      ...ROOT_CAUSES.map(([id, product, cause, finalResponseAt]) =>
        updated(
          id,
          view({
            product,
            ...(cause === undefined ? {} : { cause }),
            stage: 'resolved',
            outcome: 'upheld',
            receivedAt: '2023-12-01T09:00:00.000Z',
            finalResponseAt,
            clocks: [],
            nextDeadline: null,
          }),
        ),
      ),
    ]);
  });
  afterAll(() => close());

  it('projects the cause the final response recorded, none for a view from before causes', async () => {
    expect((await getComplaint(db, 'rc-1'))?.cause).toBe('billing-error');
    expect((await getComplaint(db, 'rc-6'))?.cause).toBeNull();
  });

  it('counts breaches by regime and clock, over the clocks that ran', async () => {
    const r = await breachReport(db, { from: '2025-01-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' });
    expect(r.rows).toEqual([
      { regime: 'cfpb', clock: 'cfpb-response', clocks: 1, breached: 0, breachRate: 0 },
      { regime: 'cfpb', clock: 'first-response', clocks: 1, breached: 0, breachRate: 0 },
      { regime: 'fca-disp', clock: 'final-response', clocks: 2, breached: 1, breachRate: 0.5 },
      { regime: 'fca-disp', clock: 'first-response', clocks: 2, breached: 1, breachRate: 0.5 },
    ]);
    expect(r.total).toEqual({ clocks: 6, breached: 2, breachRate: 2 / 6 });
    expect(breachReportCsv(r)).toContain('\r\nfca-disp,final-response,2,1,0.5\r\n');
    const empty = await breachReport(db, { from: '2030-01-01T00:00:00.000Z', to: '2030-02-01T00:00:00.000Z' });
    expect(empty.total).toEqual({ clocks: 0, breached: 0, breachRate: null });
  });

  it('averages satisfaction by agent, category and product, and counts reopenings', async () => {
    const r = await csatReport(db, { from: '2025-01-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' });
    expect(r.overall).toEqual({ answers: 5, mean: 3 });
    expect(r.byAgent).toEqual([
      { key: 'agent-a', answers: 3, mean: 4 },
      { key: 'agent-b', answers: 1, mean: 2 },
      { key: null, answers: 1, mean: 1 },
    ]);
    expect(r.byCategory).toEqual([
      { key: 'billing', answers: 3, mean: 4 },
      { key: 'service', answers: 2, mean: 1.5 },
    ]);
    expect(r.byProduct).toEqual([
      { key: 'card', answers: 2, mean: 3.5 },
      { key: 'mortgage', answers: 2, mean: 3.5 },
      { key: null, answers: 1, mean: 1 },
    ]);
    expect(r.reopen).toEqual({ resolved: 5, reopened: 1, rate: 0.2 });
    const csv = csatReportCsv(r);
    expect(csv).toMatch(/^measure,key,count,value\r\ncsat,,5,3\r\n/);
    expect(csv).toContain('\r\ncsat_by_agent,agent-a,3,4\r\n');
    expect(csv).toContain('\r\nreopen_rate,,5,0.2\r\n');
  });

  it('ranks the root causes per product with their trend by month', async () => {
    const r = await rootCauseReport(db, { from: '2024-01-01T00:00:00.000Z', to: '2024-04-01T00:00:00.000Z' }, 2);
    expect(r.months).toEqual(['2024-01', '2024-02', '2024-03']);
    const trend = (...n: number[]) => n.map((closed, i) => ({ month: r.months[i], closed }));
    expect(r.products).toEqual([
      {
        product: 'card',
        closed: 6,
        withoutCause: 1,
        causes: [
          { cause: 'billing-error', closed: 3, share: 0.6, byMonth: trend(1, 2, 0) },
          { cause: 'communication', closed: 1, share: 0.2, byMonth: trend(0, 0, 1) },
        ],
      },
      {
        product: 'mortgage',
        closed: 2,
        withoutCause: 0,
        causes: [
          { cause: 'arrears-and-collections', closed: 1, share: 0.5, byMonth: trend(0, 0, 1) },
          { cause: 'service-delay', closed: 1, share: 0.5, byMonth: trend(1, 0, 0) },
        ],
      },
      {
        product: null,
        closed: 1,
        withoutCause: 0,
        causes: [{ cause: 'other', closed: 1, share: 1, byMonth: trend(0, 1, 0) }],
      },
    ]);
    const csv = rootCauseReportCsv(r);
    expect(csv).toContain('\r\ncard,,all,6\r\ncard,billing-error,all,3\r\ncard,billing-error,2024-01,1\r\n');
    expect(csv).toContain('\r\n,other,2024-02,1\r\n');
  });
});

describe('the months of a period', () => {
  it('lists every UTC month the period touches, the end excluded', () => {
    expect(monthsOf({ from: '2024-11-15T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' })).toEqual([
      '2024-11',
      '2024-12',
      '2025-01',
    ]);
  });
});

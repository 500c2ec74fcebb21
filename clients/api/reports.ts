import { z } from 'zod';
import { InstantSchema } from '../../domain/complaint';
import type { ProductGroups } from '../../domain/product-groups';
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
import { ACCESS } from './auth';
import { unprocessable } from './errors';
import { route, type RouteSpec } from './route';

/** Every report's query: the period, and JSON (default) or CSV. */
export const ReportQuerySchema = z.strictObject({
  from: InstantSchema.meta({ description: 'Start of the period (inclusive)' }),
  to: InstantSchema.meta({ description: 'End of the period (exclusive)' }),
  format: z.enum(['json', 'csv']).default('json'),
});

/** `GET /reports/root-cause`'s query: the period, and how many causes per product. */
export const RootCauseQuerySchema = ReportQuerySchema.extend({
  top: z.coerce.number().int().min(1).max(50).default(5).meta({ description: 'Causes per product (1-50)' }),
});

/** One group of the return's closed complaints, by outcome and speed. */
const ClosedCountsSchema = z.object({
  closed: z.number(),
  upheld: z.number(),
  partlyUpheld: z.number(),
  notUpheld: z.number(),
  withinThreeBusinessDays: z.number(),
  withinEightWeeks: z.number(),
  later: z.number(),
});

/** The FCA complaints return (store/reports.ts). */
export const FcaReturnSchema = z.object({
  from: z.string(),
  to: z.string(),
  opened: z.number(),
  closed: z.number(),
  outcomes: z.object({ upheld: z.number(), partlyUpheld: z.number(), notUpheld: z.number(), unknown: z.number() }),
  closedWithin: z.object({ threeBusinessDays: z.number(), eightWeeks: z.number(), later: z.number() }),
  closedWithoutThreeDayWindow: z.number().meta({
    description:
      'Closed complaints with no 3-business-day window to judge (fca-payments): never counted in threeBusinessDays',
  }),
  redressPaid: z.array(z.object({ currency: z.string(), amount: z.number(), remedies: z.number() })),
  byProductAndCause: z
    .array(ClosedCountsSchema.extend({ product: z.string(), cause: z.string() }))
    .meta({ description: 'The closed complaints by product and root cause, with the same counts' }),
  byProductGroup: z
    .array(
      ClosedCountsSchema.extend({
        group: z.string(),
        label: z.string(),
        products: z.array(z.string()),
        opened: z.number(),
      }),
    )
    .meta({
      description:
        'Opened and closed complaints by the return’s product/service grouping (DISP 1 Annex 1R), through the deployment’s mapping; every group listed, `other` last',
    }),
  unmapped: z.object({ products: z.number(), opened: z.number(), closed: z.number() }).meta({
    description: 'What the mapping does not name, counted in the `other` group: distinct products and complaints',
  }),
});

const Rate = z.number().nullable().meta({ description: 'A fraction (0-1); null when its whole is zero' });

/** Breaches by regime and clock (store/quality-reports.ts). */
export const BreachReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(
    z.object({ regime: z.string(), clock: z.string(), clocks: z.number(), breached: z.number(), breachRate: Rate }),
  ),
  total: z.object({ clocks: z.number(), breached: z.number(), breachRate: Rate }),
});

const CsatGroups = z.array(z.object({ key: z.string().nullable(), answers: z.number(), mean: z.number().nullable() }));

const CommentCounts = z.array(z.object({ key: z.string().nullable(), comments: z.number() }));

/** CSAT by agent, category and product, and the reopen rate (store/quality-reports.ts). */
export const CsatReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  overall: z.object({ answers: z.number(), mean: z.number().nullable() }),
  byAgent: CsatGroups,
  byCategory: CsatGroups,
  byProduct: CsatGroups,
  reopen: z.object({ resolved: z.number(), reopened: z.number(), rate: Rate }),
  comments: z
    .object({
      overall: z.number(),
      byAgent: CommentCounts,
      byCategory: CommentCounts,
      byProduct: CommentCounts,
    })
    .meta({ description: 'Survey comments written in the period, counted by the same groups (never their text)' }),
});

/** The top root causes per product and their trend by month (store/quality-reports.ts). */
export const RootCauseReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  months: z.array(z.string()),
  products: z.array(
    z.object({
      product: z.string().nullable(),
      closed: z.number(),
      withoutCause: z.number(),
      causes: z.array(
        z.object({
          cause: z.string(),
          closed: z.number(),
          share: z.number(),
          byMonth: z.array(z.object({ month: z.string(), closed: z.number() })),
        }),
      ),
    }),
  ),
});

/** The period of a report's query, normalised; an empty one is a 400. */
function periodOf(q: { from: string; to: string }): Period {
  const from = new Date(q.from).toISOString();
  const to = new Date(q.to).toISOString();
  // Two instants of the documented shape in the wrong order: a rule no schema states (422).
  if (from >= to) throw unprocessable('the period is empty', [{ field: 'to', message: 'must be after from' }]);
  return { from, to };
}

/** One report route: its path under /reports, what it answers, and how it is computed and written as CSV. */
function reportRoute<Q extends typeof ReportQuerySchema, R>(spec: {
  name: string;
  operationId: string;
  summary: string;
  description: string;
  query: Q;
  schema: z.ZodType;
  compute: (period: Period, q: z.output<Q>) => Promise<R>;
  csv: (report: R) => string;
}): RouteSpec {
  return route({
    method: 'GET',
    path: `/reports/${spec.name}`,
    operationId: spec.operationId,
    summary: spec.summary,
    description: `${spec.description} From the complaint store; \`format=csv\` for a spreadsheet.`,
    tag: 'operations',
    access: ACCESS.report,
    what: 'read reports',
    query: spec.query,
    responses: {
      200: {
        description: 'The report (JSON, or text/csv with format=csv)',
        schema: spec.schema,
        alsoAs: 'text/csv; charset=utf-8',
      },
    },
    handler: async (ctx) => {
      const report = await spec.compute(periodOf(ctx.query), ctx.query);
      if (ctx.query.format === 'csv') return { body: spec.csv(report), contentType: 'text/csv; charset=utf-8' };
      return { body: report };
    },
  });
}

/** The report routes: registered only on an API with the complaint store, where the data lives. */
export function reportRoutes(store: Queryable, groups: ProductGroups): RouteSpec[] {
  return [
    reportRoute({
      name: 'fca-return',
      operationId: 'fcaReturn',
      summary: 'The FCA complaints return for a period',
      description:
        'Opened and closed complaints, outcomes, closed within 3 business days / 8 weeks / later, and redress paid; by product and cause, and by the return’s product groups (REDRESS_FCA_PRODUCT_GROUPS_FILE adds to the shipped mapping).',
      query: ReportQuerySchema,
      schema: FcaReturnSchema,
      compute: (period) => fcaReturn(store, period, groups),
      csv: fcaReturnCsv,
    }),
    reportRoute({
      name: 'breaches',
      operationId: 'breachReport',
      summary: 'Deadlines breached by regime and clock for a period',
      description:
        'Per regime and clock: the deadline clocks whose deadline fell in the period and were decided (stopped or breached), how many were breached, and the breach rate.',
      query: ReportQuerySchema,
      schema: BreachReportSchema,
      compute: (period) => breachReport(store, period),
      csv: breachReportCsv,
    }),
    reportRoute({
      name: 'csat',
      operationId: 'csatReport',
      summary: 'Satisfaction by agent, category and product, and the reopen rate, for a period',
      description:
        'Survey answers recorded at resolution in the period and their mean, by assignee, category and product; of the complaints resolved in the period, the share reopened since.',
      query: ReportQuerySchema,
      schema: CsatReportSchema,
      compute: (period) => csatReport(store, period),
      csv: csatReportCsv,
    }),
    reportRoute({
      name: 'root-cause',
      operationId: 'rootCauseReport',
      summary: 'The top root causes per product and their trend by month',
      description:
        'Complaints closed in the period by product and the cause their final response recorded (the policy’s taxonomy): the `top` causes per product, each with its count in every month of the period.',
      query: RootCauseQuerySchema,
      schema: RootCauseReportSchema,
      compute: (period, q) => rootCauseReport(store, period, q.top),
      csv: rootCauseReportCsv,
    }),
  ];
}

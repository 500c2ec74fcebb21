import { z } from 'zod';
import { InstantSchema } from '../../domain/complaint';
import type { Queryable } from '../../store/db';
import { fcaReturn, fcaReturnCsv } from '../../store/reports';
import { ACCESS } from './auth';
import { badRequest } from './errors';
import { route, type RouteSpec } from './route';

/** `GET /reports/fca-return`'s query: the period, and JSON (default) or CSV. */
export const FcaReturnQuerySchema = z.strictObject({
  from: InstantSchema.meta({ description: 'Start of the period (inclusive)' }),
  to: InstantSchema.meta({ description: 'End of the period (exclusive)' }),
  format: z.enum(['json', 'csv']).default('json'),
});

/** The FCA complaints return (store/reports.ts). */
export const FcaReturnSchema = z.object({
  from: z.string(),
  to: z.string(),
  opened: z.number(),
  closed: z.number(),
  outcomes: z.object({ upheld: z.number(), partlyUpheld: z.number(), notUpheld: z.number(), unknown: z.number() }),
  closedWithin: z.object({ threeBusinessDays: z.number(), eightWeeks: z.number(), later: z.number() }),
  redressPaid: z.array(z.object({ currency: z.string(), amount: z.number(), remedies: z.number() })),
});

/** The report routes: registered only on an API with the complaint store, where the data lives. */
export function reportRoutes(store: Queryable): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/reports/fca-return',
      operationId: 'fcaReturn',
      summary: 'The FCA complaints return for a period',
      description:
        'Opened and closed complaints, outcomes, closed within 3 business days / 8 weeks / later, and redress paid, from the complaint store. `format=csv` for a spreadsheet.',
      tag: 'operations',
      access: ACCESS.report,
      what: 'read reports',
      query: FcaReturnQuerySchema,
      responses: {
        200: { description: 'The return (JSON, or text/csv with format=csv)', schema: FcaReturnSchema },
      },
      handler: async (ctx) => {
        const from = new Date(ctx.query.from).toISOString();
        const to = new Date(ctx.query.to).toISOString();
        if (from >= to) throw badRequest('the period is empty', [{ field: 'to', message: 'must be after from' }]);
        const report = await fcaReturn(store, { from, to });
        if (ctx.query.format === 'csv') {
          return { body: fcaReturnCsv(report), contentType: 'text/csv; charset=utf-8' };
        }
        return { body: report };
      },
    }),
  ];
}

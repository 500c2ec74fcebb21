import { z } from 'zod';
import type { TextSeal } from '../../domain/sealed-text';
import type { Queryable } from '../../store/db';
import { surveyComments } from '../../store/survey-comments';
import { ACCESS } from './auth';
import { route, type RouteSpec } from './route';
import { ComplaintIdParamsSchema } from './schemas';

/** `GET /complaints/:id/survey-comments`: the comments the store keeps, opened. */
export const SurveyCommentsSchema = z.object({
  complaintId: z.string(),
  comments: z.array(
    z.object({ eventId: z.string(), score: z.number().int(), answeredAt: z.string(), comment: z.string() }),
  ),
});

/**
 * The survey comments route, on an API with the store. The customer's own words: the roles that read the
 * conversation, where the workflow shows the same answers (operator, supervisor, auditor); the CSAT report
 * (supervisor, auditor) counts them and never shows them.
 */
export function surveyRoutes(store: Queryable, seal: TextSeal): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/complaints/:id/survey-comments',
      operationId: 'getSurveyComments',
      summary: 'A complaint’s survey comments, from the store',
      description:
        'The free text of every confirmed survey answer that carried one, oldest first, with its score; kept sealed in the store with the payload key ring and opened for this answer. Empty when none (or the complaint is unknown to the store). Personal text: operator, supervisor and auditor only.',
      tag: 'complaints',
      access: ACCESS.read,
      what: 'read complaints',
      params: ComplaintIdParamsSchema,
      responses: { 200: { description: 'The comments', schema: SurveyCommentsSchema } },
      handler: async (ctx) => ({
        body: { complaintId: ctx.params.id, comments: await surveyComments(store, ctx.params.id, seal) },
      }),
    }),
  ];
}

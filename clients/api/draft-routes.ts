import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { ACTIONS } from '../../domain/actions';
import { COMMITMENT_KINDS } from '../../domain/commitments';
import { withLetter, type DraftCheck } from '../../domain/drafts/check';
import { DRAFTABLE } from '../../domain/drafts/letters';
import { RESPECT_CATEGORIES, SEVERITIES } from '../../domain/respect/categories';
import { deploymentTemplates } from '../../platform/template-files';
import * as m from '../../workflows/messages';
import type { ComplaintStatus } from '../../workflows/messages';
import { invalidInput } from './errors';
import { route, type RouteDeps, type RouteSpec } from './route';
import { ComplaintIdParamsSchema } from './schemas';

/**
 * `POST /complaints/:id/drafts`: a letter an agent is about to send, rendered as the customer would get it
 * and checked, sending nothing (issue 13 §3). The check runs in the complaint's workflow (the `draft`
 * update), which has the customer's name and locale, the policy and the remedy on file, and answers with
 * what the letter is made from; the API renders it (dates in words need the host's time-zone data, which
 * workflow code must not use), answers, and keeps nothing. A draft with a severe finding stays held in the
 * workflow until a supervisor approves it (`POST …/drafts/approval`).
 */

const DraftBodySchema = z.strictObject({
  action: z.enum(DRAFTABLE).meta({ description: 'The sending action the draft is for' }),
  input: z
    .record(z.string(), z.unknown())
    .meta({ description: "The body that action would be sent with (its own schema applies: see the action's route)" }),
});

/**
 * The body as the document states it: one shape per action, each with that action's own input schema,
 * so a client (or a contract test) knows what `input` must hold. The route parses with the looser
 * {@link DraftBodySchema} and checks `input` itself, so the workflow gets the input as sent.
 */
const DraftBodyDocument = z.union(
  DRAFTABLE.map((action) => z.strictObject({ action: z.literal(action), input: ACTIONS[action].input })) as unknown as [
    z.ZodType,
    z.ZodType,
    ...z.ZodType[],
  ],
);

const SpanSchema = z.object({ start: z.int(), end: z.int(), text: z.string() });

export const DraftReportSchema = z.object({
  draftId: z.string().meta({ description: 'SHA-256 of the action and its canonical body: what a supervisor approves' }),
  action: z.enum(DRAFTABLE),
  letter: z.object({ kind: z.string(), locale: z.string(), subject: z.string(), body: z.string() }).optional().meta({
    description: 'As the customer would get it; absent for a remedy other than a decline (no letter of its own)',
  }),
  respect: z.array(
    z.object({
      field: z.string(),
      category: z.enum(RESPECT_CATEGORIES),
      severity: z.enum(SEVERITIES),
      span: SpanSchema,
      why: z.string(),
      suggestion: z.string(),
    }),
  ),
  severe: z.boolean().meta({ description: 'Sending it needs a supervisor to approve this draftId first' }),
  missingParts: z.array(z.string()).meta({ description: 'Regulated parts the policy requires that the letter lacks' }),
  promises: z.array(
    z.object({
      field: z.string(),
      span: SpanSchema,
      kind: z.enum(COMMITMENT_KINDS),
      when: z.string().optional(),
      dueAt: z.string().optional(),
    }),
  ),
  readability: z.array(z.object({ field: z.string(), readingEase: z.number(), atLeast: z.number() })),
});

export function draftRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    route({
      method: 'POST',
      path: '/complaints/:id/drafts',
      operationId: 'checkDraft',
      summary: 'Check a draft letter (sends nothing)',
      description:
        'Renders the letter of `action` with `input` as the customer would get it, with every check: the respect check on every agent-written field, regulated parts missing, promises found (proposed commitments), and reading ease below the policy’s threshold. Sends nothing. A draft with a severe finding is held on the complaint for a supervisor (`approveDraft` with its `draftId`); until then sending that text answers 409.',
      tag: 'actions',
      access: ['operator', 'supervisor'],
      what: 'draft letters',
      params: ComplaintIdParamsSchema,
      body: DraftBodySchema,
      bodyDocument: DraftBodyDocument,
      conflicts: true,
      responses: { 200: { description: 'The rendered draft and its findings', schema: DraftReportSchema } },
      handler: async (ctx) => {
        const principal = ctx.principal!;
        // The action's own schema, here too, so a bad body is a 400 naming the field (the workflow holds it too).
        const parsed = ACTIONS[ctx.body.action].input.safeParse(ctx.body.input);
        if (!parsed.success) {
          throw invalidInput(parsed.error.issues)(
            'invalid draft input',
            parsed.error.issues.map((i) => ({ field: ['input', ...i.path].join('.'), message: i.message })),
          );
        }
        // The draft update answers with the report, not the status: the client's act() is typed for actions.
        const update = m.draftUpdate as unknown as UpdateDefinition<
          ComplaintStatus,
          [m.ActionBase & z.infer<typeof DraftBodySchema>]
        >;
        const report = await deps.complaints.act(ctx.params.id, 'draft', update, ctx.body, {
          id: principal.id,
          role: principal.role,
        });
        // Rendered here, not in the workflow: dates in words use the host's time-zone data.
        return { body: withLetter(report as unknown as DraftCheck, deploymentTemplates()) };
      },
    }),
  ];
}

import { z } from 'zod';
import { BEFORE_FINAL } from '../stages';
import { ACTING, defineAction, text } from './define';
import { CFPB_RESPONSE_TYPES } from '../policy/vocabulary';
import { OUTCOMES, RESPONSE_KINDS_FOR_RESOLVE } from './vocabulary';

/** The positions a resolution may choose (Annex 3R's out-of-time paragraph follows from `outsideTimeLimits`). */
const WAIVER_POSITIONS_CHOSEN = ['consent', 'do-not-consent'] as const;

/** The most parts one resolution may carry (every collection in a body has a bound). */
export const MAX_PARTS = 20;

/**
 * The resolving action, part of the registry (`registry.ts` spreads it in): the final response, a
 * summary resolution or a CFPB response, with what each regime requires. What it does is
 * `doResolve` in workflows/case-effects.ts; whether it may, `checkResolve` in workflows/rules.ts.
 */
export const RESOLUTION_ACTIONS = {
  resolve: defineAction({
    name: 'resolve',
    path: 'resolution',
    input: z
      .strictObject({
        response: z.enum(RESPONSE_KINDS_FOR_RESOLVE),
        outcome: z.enum(OUTCOMES),
        reasons: text(10_000),
        responseType: z
          .enum(CFPB_RESPONSE_TYPES)
          .optional()
          .meta({ description: "CFPB response only (required there): the portal's response type" }),
        cause: z
          .string()
          .regex(/^[a-z0-9-]{1,60}$/, 'must be a cause code such as billing-error')
          .optional()
          .meta({ description: "The root cause, from the regime's taxonomy (the policy's causes), for the reports" }),
        parts: z
          .record(z.string().regex(/^[a-z0-9-]{1,60}$/, 'must be a part name such as ombudsman-leaflet'), text(5_000))
          // A regime names a handful of parts; without a bound one body could carry thousands into history.
          .refine((p) => Object.keys(p).length <= MAX_PARTS, `must have at most ${MAX_PARTS} parts`)
          .optional()
          .meta({
            description: 'Further parts the regime requires that no template supplies, by part name',
            maxProperties: MAX_PARTS,
          }),
        // DISP 1 Annex 3R: the letter states the firm's position on the ombudsman's time limits. Where the
        // firm decides case by case (templates/firm.json `timeLimitWaiver: depends`) the resolution says which.
        waiverPosition: z.enum(WAIVER_POSITIONS_CHOSEN).optional().meta({
          description:
            "Where the firm decides per complaint (firm.json timeLimitWaiver: depends): whether it consents to the ombudsman considering a referral out of time; do-not-consent when absent",
        }),
        outsideTimeLimits: z.boolean().optional().meta({
          description:
            "The agent's finding that the complaint was made outside the ombudsman's six-year / three-year limits: the letter then takes Annex 3R's second paragraph",
        }),
        customerAccepted: text(500).optional().meta({
          description:
            'Summary resolution only: how the customer indicated they accept the resolution (e.g. "on a call on 2 Dec"); required for it',
        }),
      })
      .superRefine((b, ctx) => {
        // DISP 1.5.3G(2): the summary route is for a complaint the customer has accepted is resolved.
        if (b.response === 'summary-resolution' && b.customerAccepted === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['customerAccepted'],
            message: "a summary resolution needs the customer's acceptance: say how they accepted it",
          });
        }
        // The CFPB portal's response types are what a CFPB response says (and what its letter words).
        if (b.response === 'cfpb-response' && b.responseType === undefined) {
          ctx.addIssue({ code: 'custom', path: ['responseType'], message: 'a CFPB response needs its response type' });
        }
        if (b.response !== 'cfpb-response' && b.responseType !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['responseType'], message: 'is for a CFPB response only' });
        }
        if (b.response !== 'summary-resolution' && b.customerAccepted !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['customerAccepted'], message: 'is for a summary resolution only' });
        }
      }),
    roles: ACTING,
    stages: BEFORE_FINAL,
    doing: 'resolve',
    summary: 'Send the final response (or a summary resolution, or a CFPB response)',
    description: 'States the outcome and reasons with what the regime requires; the follow-up survey comes after.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'resolve',
        usage:
          'resolve ID --response final-response|summary-resolution|cfpb-response --outcome upheld|partly-upheld|not-upheld --reasons TEXT [--response-type T] [--cause CODE] [--part NAME=TEXT]... [--accepted HOW] [--waiver consent|do-not-consent] [--outside-time-limits]',
        summary: 'send the final response',
        flags: {
          response: { field: 'response', required: true },
          outcome: { field: 'outcome', required: true },
          reasons: { field: 'reasons', required: true },
          'response-type': { field: 'responseType' },
          cause: { field: 'cause' },
          part: { field: 'parts', type: 'pairs' },
          accepted: { field: 'customerAccepted' },
          waiver: { field: 'waiverPosition' },
          'outside-time-limits': { field: 'outsideTimeLimits', type: 'boolean' },
        },
      },
    ],
  }),
};

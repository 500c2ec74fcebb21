/** Words the actions and their results share (the workflow, the API and the CLI use these lists). */

/** How a complaint was decided (DESIGN §1: say plainly what the outcome is). */
export const OUTCOMES = ['upheld', 'partly-upheld', 'not-upheld'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What a remedy is; `decline` is saying "no" well, `explanation` settles without redress. */
export const REMEDY_KINDS = ['refund', 'credit', 'replacement', 'repair', 'explanation', 'decline'] as const;
export type RemedyKind = (typeof REMEDY_KINDS)[number];

/** The remedies that are money, and so name an amount and a currency. */
export const MONEY_REMEDIES: readonly RemedyKind[] = ['refund', 'credit'];

/** The responses `resolve` sends. */
export const RESPONSE_KINDS_FOR_RESOLVE = ['final-response', 'summary-resolution', 'cfpb-response'] as const;
export type ResolveResponseKind = (typeof RESPONSE_KINDS_FOR_RESOLVE)[number];

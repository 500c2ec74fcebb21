import { z } from 'zod';
import type { Actor } from '../actor';
import { InstantSchema } from '../complaint';
import { REMEDY_DUE_DAYS } from '../instant-rules';
import { BEFORE_FINAL, OPEN_STAGES } from '../stages';
import { ACTING, defineAction, SUPERVISOR, text } from './define';
import { COMMITMENT_ACTIONS } from './commitment-actions';
import { DRAFT_ACTIONS } from './draft-actions';
import { LINKED_ACTIONS } from './linked-actions';
import { RESOLUTION_ACTIONS } from './resolution-actions';
import { VULNERABILITY_ACTIONS } from './vulnerability-actions';
import { MONEY_REMEDIES, REMEDY_KINDS } from './vocabulary';

/**
 * Every human action on a complaint, declared once: name, input (with its limits), roles, stages, HTTP
 * route and CLI verbs. The workflow's updates and their generic checks (`workflows/refusals.ts`), the
 * API's routes and OpenAPI document (`clients/api/routes.ts`) and the CLI's commands
 * (`clients/cli/act.ts`) are derived from this table; what an action *does* is its rule in the case
 * (`workflows/rules.ts`). Adding an action is an entry here and a rule there.
 */

const REASON_FLAG = { reason: { field: 'reason', required: true } } as const;

export const ACTIONS = {
  assign: defineAction({
    name: 'assign',
    path: 'assignment',
    input: z.strictObject({ assignee: text(100) }),
    roles: ACTING,
    stages: OPEN_STAGES,
    doing: 'assign',
    summary: 'Assign the complaint',
    description: 'Gives the complaint an owner; reassigning one that has an owner needs a supervisor.',
    what: 'assign complaints',
    cli: [
      {
        verb: 'assign',
        usage: 'assign ID --to AGENT',
        summary: 'assign the complaint (reassigning needs a supervisor)',
        flags: { to: { field: 'assignee', required: true } },
      },
    ],
  }),
  recordAccount: defineAction({
    name: 'recordAccount',
    path: 'account',
    input: z
      .strictObject({
        account: text(10_000).meta({ description: "The customer's own account, in their words" }),
        confirmed: z.boolean().meta({
          description:
            'False: the account goes to the customer to confirm or correct, and their reply completes listening. True: the customer already confirmed it another way, said in `confirmedHow`',
        }),
        confirmedHow: text(500)
          .optional()
          .meta({ description: 'How the customer confirmed it without a written reply (e.g. "on a call on 2 Dec")' }),
      })
      .superRefine((b, ctx) => {
        // Listening is the customer's to confirm: an agent's say-so alone needs the reason, which the timeline shows.
        if (b.confirmed && b.confirmedHow === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['confirmedHow'],
            message:
              'say how the customer confirmed the account (e.g. on a call), or send it to them with confirmed: false',
          });
        }
        if (!b.confirmed && b.confirmedHow !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['confirmed'],
            message: 'confirmedHow is for an account confirmed: true',
          });
        }
      }),
    roles: ACTING,
    stages: ['acknowledged', 'listening'],
    doing: 'record the account',
    summary: 'Record the customer’s account (listening)',
    description:
      'The customer’s own account, sent to them to confirm or correct; their reply (`confirmsAccount`, or an agent’s `confirm-account` naming it) completes listening. With `confirmed: true` and `confirmedHow`, listening is done at once.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'account',
        usage: 'account ID --text TEXT [--confirmed --confirmed-how TEXT]',
        summary: "send the customer's account to confirm (or, with --confirmed-how, record it as confirmed)",
        flags: {
          text: { field: 'account', required: true },
          confirmed: { field: 'confirmed', type: 'boolean' },
          'confirmed-how': { field: 'confirmedHow' },
        },
      },
    ],
  }),
  confirmAccount: defineAction({
    name: 'confirmAccount',
    path: 'account/confirmation',
    input: z.strictObject({
      replyId: text(200).meta({ description: 'The event id of the customer’s reply that confirms the account' }),
    }),
    roles: ACTING,
    stages: ['listening'],
    doing: 'confirm the account',
    summary: 'Record that a reply confirms the account (listening)',
    description:
      'For a reply whose channel could not say: the agent read it as the customer confirming the account. The reply must be in the conversation, after the account was sent.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'confirm-account',
        usage: 'confirm-account ID --reply EVENT_ID',
        summary: "record that the customer's reply confirms the account",
        flags: { reply: { field: 'replyId', required: true } },
      },
    ],
  }),
  addNote: defineAction({
    name: 'addNote',
    path: 'notes',
    input: z.strictObject({ text: text(10_000).meta({ description: 'For colleagues; never sent to the customer' }) }),
    roles: ACTING,
    stages: OPEN_STAGES,
    doing: 'add a note',
    summary: 'Add an internal note',
    description:
      'A note in the conversation for colleagues; never sent to the customer. The timeline records that one was added.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'note',
        usage: 'note ID --text TEXT',
        summary: 'add an internal note',
        flags: { text: { field: 'text', required: true } },
      },
    ],
  }),
  askQuestion: defineAction({
    name: 'askQuestion',
    path: 'questions',
    input: z.strictObject({ question: text(5_000) }),
    roles: ACTING,
    stages: BEFORE_FINAL,
    doing: 'ask the customer a question',
    summary: 'Ask the customer a question',
    description: 'Sends a clarifying question; clocks that pause while waiting on the customer pause.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'ask',
        usage: 'ask ID --question TEXT',
        summary: 'ask the customer a clarifying question',
        flags: { question: { field: 'question', required: true } },
      },
    ],
  }),
  apologise: defineAction({
    name: 'apologise',
    path: 'apology',
    input: z.strictObject({ text: text(5_000), faultAdmitted: z.boolean() }),
    roles: ACTING,
    stages: ['apology'],
    doing: 'apologise',
    summary: 'Apologise',
    description: 'Sends the apology, recording whether fault is admitted.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'apologise',
        usage: 'apologise ID --text TEXT [--fault-admitted]',
        summary: 'send the apology',
        flags: {
          text: { field: 'text', required: true },
          'fault-admitted': { field: 'faultAdmitted', type: 'boolean' },
        },
      },
    ],
  }),
  skipApology: defineAction({
    name: 'skipApology',
    path: 'apology/skip',
    input: z.strictObject({ reason: text(2_000) }),
    roles: ACTING,
    stages: ['apology'],
    doing: 'skip the apology',
    summary: 'Skip the apology, with a reason',
    description: 'Moves on to the remedy without an apology, recording why.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'skip-apology',
        usage: 'skip-apology ID --reason TEXT',
        summary: 'move on to the remedy without an apology, saying why',
        flags: REASON_FLAG,
      },
    ],
  }),
  proposeRemedy: defineAction({
    name: 'proposeRemedy',
    path: 'remedy',
    input: z
      .strictObject({
        kind: z.enum(REMEDY_KINDS),
        description: text(5_000),
        amount: z.number().positive().max(1e9).optional(),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as GBP')
          .optional(),
        dueInDays: z
          .number()
          .int()
          .min(REMEDY_DUE_DAYS.min)
          .max(REMEDY_DUE_DAYS.max)
          .optional()
          .meta({
            description: `Promised within, in days from approval (${REMEDY_DUE_DAYS.min}-${REMEDY_DUE_DAYS.max}); default 5`,
          }),
        alternatives: z.array(text(500)).max(10).optional().meta({ description: 'For a decline' }),
        meetsDesiredOutcome: z.boolean().optional().meta({
          description:
            'Whether this gives the customer what they asked for (their desiredOutcome, in the conversation); required when they said, except for a decline',
        }),
        explanation: text(2_000).optional().meta({
          description: 'Why the remedy differs from what the customer asked for: they read it in the final response',
        }),
      })
      .superRefine((b, ctx) => {
        // Any amount names its currency: the approval threshold is per currency, and a remedy of any
        // kind worth a great deal must wait for a supervisor like money does.
        if (b.amount !== undefined && b.currency === undefined)
          ctx.addIssue({ code: 'custom', path: ['currency'], message: `an amount needs its currency` });
        if (!MONEY_REMEDIES.includes(b.kind)) return;
        if (b.amount === undefined)
          ctx.addIssue({ code: 'custom', path: ['amount'], message: `a ${b.kind} needs an amount` });
        if (b.currency === undefined && b.amount === undefined)
          ctx.addIssue({ code: 'custom', path: ['currency'], message: `a ${b.kind} needs a currency` });
      }),
    roles: ACTING,
    stages: ['remedy'],
    doing: 'propose a remedy',
    summary: 'Propose a remedy (or decline, with alternatives)',
    description:
      'Money above the policy threshold proposed by an operator waits for a supervisor’s approval; otherwise it is requested at once.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'propose-remedy',
        usage:
          'propose-remedy ID --kind refund|credit|replacement|repair|explanation|decline --description TEXT [--amount N --currency CCY] [--due-in-days N] [--alternative TEXT]... [--meets-desired-outcome | --differs-because TEXT]',
        summary: 'propose a remedy (money above the threshold waits for a supervisor)',
        flags: {
          kind: { field: 'kind', required: true },
          description: { field: 'description', required: true },
          amount: { field: 'amount', type: 'number' },
          currency: { field: 'currency' },
          'due-in-days': { field: 'dueInDays', type: 'number' },
          alternative: { field: 'alternatives', type: 'list' },
          'meets-desired-outcome': { field: 'meetsDesiredOutcome', type: 'boolean' },
          'differs-because': { field: 'explanation' },
        },
      },
    ],
  }),
  decideRemedy: defineAction({
    name: 'decideRemedy',
    path: 'remedy/decision',
    input: z.strictObject({ approve: z.boolean(), reason: text(2_000) }),
    roles: SUPERVISOR,
    stages: ['remedy'],
    doing: 'decide on a remedy',
    summary: 'Approve or reject the remedy awaiting approval (supervisor)',
    description: 'A supervisor’s decision on a remedy above the policy threshold.',
    what: 'approve or reject remedies',
    cli: [
      {
        verb: 'approve-remedy',
        usage: 'approve-remedy ID --reason TEXT',
        summary: 'approve the remedy awaiting approval (supervisor)',
        flags: REASON_FLAG,
        fixed: { approve: true },
      },
      {
        verb: 'reject-remedy',
        usage: 'reject-remedy ID --reason TEXT',
        summary: 'reject the remedy awaiting approval (supervisor)',
        flags: REASON_FLAG,
        fixed: { approve: false },
      },
    ],
  }),
  extend: defineAction({
    name: 'extend',
    path: 'extension',
    input: z.strictObject({
      reason: text(2_000).meta({ description: 'Why a final response cannot be given yet' }),
      expectedBy: InstantSchema.meta({
        description: 'When the final response will be given: in the future, within the regime’s limit',
      }),
    }),
    roles: SUPERVISOR,
    stages: BEFORE_FINAL,
    doing: 'send a holding response',
    summary: 'Send a holding response (supervisor)',
    description:
      'Extends the final-response deadline where the regime allows it, saying why and by when. `expectedBy` must be in the future and within the regime’s limit (fca-payments: 35 business days after receipt; a year from now where the regime sets none), or 400.',
    what: 'extend deadlines',
    cli: [
      {
        verb: 'extend',
        usage: 'extend ID --reason TEXT --expected-by ISO-8601',
        summary: 'send a holding response (supervisor)',
        flags: { ...REASON_FLAG, 'expected-by': { field: 'expectedBy', required: true } },
      },
    ],
  }),
  escalate: defineAction({
    name: 'escalate',
    path: 'escalation',
    input: z.strictObject({ reason: text(2_000) }),
    roles: ACTING,
    stages: OPEN_STAGES,
    doing: 'escalate',
    summary: 'Escalate',
    description: 'Flags the complaint as escalated and alerts a supervisor.',
    what: 'act on complaints',
    cli: [
      { verb: 'escalate', usage: 'escalate ID --reason TEXT', summary: 'escalate the complaint', flags: REASON_FLAG },
    ],
  }),
  withdraw: defineAction({
    name: 'withdraw',
    path: 'withdrawal',
    input: z.strictObject({ reason: text(2_000) }),
    roles: ACTING,
    stages: ['received', 'acknowledged', 'listening', 'apology', 'remedy', 'follow-up'],
    doing: 'withdraw',
    summary: 'Withdraw (the customer withdrew)',
    description: 'Ends the complaint as withdrawn; its clocks stop.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'withdraw',
        usage: 'withdraw ID --reason TEXT',
        summary: 'withdraw the complaint (the customer withdrew)',
        flags: REASON_FLAG,
      },
    ],
  }),
  ...COMMITMENT_ACTIONS,
  ...DRAFT_ACTIONS,
  ...VULNERABILITY_ACTIONS,
  ...RESOLUTION_ACTIONS,
  ...LINKED_ACTIONS,
};

/** An action's name: `assign`, `recordAccount`, … */
export type ActionName = keyof typeof ACTIONS;

/** Every action, in the order the API and the CLI list them. */
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

/** The input of an action as the API and the CLI send it (no actor). */
export type ActionBody<N extends ActionName> = z.infer<(typeof ACTIONS)[N]['input']>;

/** The input of an action as the workflow's update takes it: the body and who acts. */
export type ActionInput<N extends ActionName> = ActionBody<N> & { actor: Actor };

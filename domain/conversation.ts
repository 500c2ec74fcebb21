import { z } from 'zod';

/**
 * A complaint's conversation (issue 13): every message in and out, in order — the customer's complaint
 * (description and desired outcome), each reply, survey comments, each letter Redress queued, and the
 * agents' internal notes. Personal text: only the operator, supervisor and auditor roles read it, and
 * it never goes into the timeline, search attributes or the record view. The status (read by the same
 * roles) carries one piece of it: the desired outcome beside the remedy, which is weighed against it.
 *
 * The workflow keeps it (workflows/conversation-log.ts); the API joins each letter with what the mailer
 * was sent (its rendered subject and body, from the store) by the letter's idempotency key.
 */

const Instant = z.string();
const Author = z.object({ id: z.string(), role: z.string() });

const Common = {
  /** 1, 2, 3… in the order the workflow took them in; never reused. */
  seq: z.number().int().min(1),
  at: Instant,
  author: Author,
};

export const ConversationEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    ...Common,
    kind: z.literal('complaint'),
    direction: z.literal('in'),
    summary: z.string(),
    text: z.string().meta({ description: 'The description, in the customer’s words' }),
    desiredOutcome: z.string().optional(),
  }),
  z.object({
    ...Common,
    kind: z.literal('reply'),
    direction: z.literal('in'),
    eventId: z.string().meta({ description: 'The customer.replied event: what confirmAccount names' }),
    text: z.string(),
    inReplyTo: z.string().optional(),
    sentiment: z.enum(['satisfied', 'neutral', 'dissatisfied']).optional(),
    confirmsAccount: z.boolean().optional(),
  }),
  z.object({
    ...Common,
    kind: z.literal('survey'),
    direction: z.literal('in'),
    eventId: z.string(),
    score: z.number(),
    text: z.string().optional(),
  }),
  z.object({
    ...Common,
    kind: z.literal('letter'),
    direction: z.literal('out'),
    letter: z.string().meta({ description: 'The template: acknowledgement, apology, final-response…' }),
    channel: z.string(),
    idempotencyKey: z.string().meta({ description: 'The mailer’s key: the letter as sent is found by it' }),
    /** The agent-written and computed parts the letter was rendered from. */
    parts: z.record(z.string(), z.string()),
  }),
  z.object({
    ...Common,
    kind: z.literal('note'),
    direction: z.literal('internal'),
    text: z.string(),
  }),
]);
export type ConversationEntry = z.infer<typeof ConversationEntrySchema>;
export type ConversationKind = ConversationEntry['kind'];
/** An entry as it is added: the log numbers it. */
export type NewConversationEntry = ConversationEntry extends infer E
  ? E extends unknown
    ? Omit<E, 'seq'>
    : never
  : never;

/** What the workflow's `conversation` query answers: the entries it holds and how many it let go. */
export interface ConversationPage {
  entries: ConversationEntry[];
  /** Entries dropped to keep the log bounded (the oldest after the complaint itself); still in older runs' histories. */
  dropped: number;
}

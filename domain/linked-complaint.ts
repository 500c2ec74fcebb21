import { z } from 'zod';
import { text } from './actions/define';
import type { Complaint } from './complaint';
import { sha256Hex } from './letters/sha256';

/**
 * A customer's reply that raises a new matter (issue 15): not more of this complaint, but a complaint of
 * its own, with its own clocks from the moment the customer raised it (DISP 1.6: the firm's time runs
 * from when it received *that* complaint), the same customer, and a link both ways. Reopening the first
 * complaint instead would restart its clocks and, after a final response, start a second ombudsman
 * window for a matter it never answered.
 */

/** What the contact centre (on the reply fact) or an agent (the `openNewMatter` action) says the new matter is. */
export const NewMatterSchema = z.strictObject({
  summary: text(200).meta({ description: 'The new matter in a line, as the new complaint’s summary' }),
  category: text(60)
    .optional()
    .meta({ description: 'The new complaint’s category; the first complaint’s when absent' }),
});
export type NewMatter = z.infer<typeof NewMatterSchema>;

/** Where a linked complaint came from: the complaint and the reply that raised it. */
export interface LinkedFrom {
  complaintId: string;
  replyId: string;
}

/** Room left in a complaint id (at most 100 characters) for the `:m:` and the digest. */
const PREFIX_CHARS = 80;

/**
 * The id of the complaint a reply's new matter opens: derived from the first complaint and the reply, so
 * a retried start, a redelivered fact or an agent marking the same reply again always names the same
 * complaint, and Temporal's one-workflow-per-id makes it exist once. The first complaint's id stays
 * readable at the front; the digest keeps it within the id pattern whatever the reply's event id holds.
 */
export function linkedComplaintId(complaintId: string, replyId: string): string {
  const digest = sha256Hex(`${complaintId}\n${replyId}`).slice(0, 16);
  return `${complaintId.slice(0, PREFIX_CHARS)}:m:${digest}`;
}

/** The event id the new complaint remembers as what opened it (its `openedBy`). */
export const linkedOpenedBy = (replyId: string): string => `new-matter:${replyId}`;

/**
 * The new complaint: the same customer and channel (and the firm's site, whose calendar its business
 * days follow), the reply's words as its description, received when the reply was. Severity is assessed
 * afresh; the first complaint's product, desired outcome and regulator's referral were about that matter.
 */
export function linkedComplaint(first: Complaint, matter: NewMatter, reply: { text: string; at: string }): Complaint {
  return {
    customer: first.customer,
    channel: first.channel,
    category: matter.category ?? first.category,
    summary: matter.summary,
    description: reply.text,
    receivedAt: reply.at,
    ...(first.firmSite !== undefined ? { firmSite: first.firmSite } : {}),
  };
}

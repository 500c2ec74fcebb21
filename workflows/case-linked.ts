import type { Actor } from '../domain/actor';
import type { ConversationEntry } from '../domain/conversation';
import { REDRESS_SOURCE } from '../domain/events';
import { linkedComplaint, linkedComplaintId, linkedOpenedBy, type NewMatter } from '../domain/linked-complaint';
import type { ComplaintCase } from './case';
import type { OpenNewMatterInput } from './messages';

/**
 * A reply that raises a new matter opens a new complaint, linked both ways (issue 15; the domain side is
 * domain/linked-complaint.ts). The new complaint is a workflow of its own, started by an activity from the
 * outbox (signal-with-start by its derived id: a retried start, or the same reply again, never makes two).
 * This complaint records the link (its status' `relatedTo`, a `complaint.linked` event) and nothing else
 * changes here: its clocks, stage and waiting stay as they were, since the reply is about the new matter.
 */

/**
 * The `patched()` id that gates it: starting another workflow is a new command (an activity), and a
 * history recorded before has none where a reply with a new matter is handled.
 */
export const LINKED_NEW_MATTER_PATCH = 'redress-linked-new-matter';

type Reply = Extract<ConversationEntry, { kind: 'reply' }>;

/** The id of the complaint a reply of this complaint opened, if it opened one. */
export function openedBy(complaint: ComplaintCase, replyId: string): string | undefined {
  const id = linkedComplaintId(complaint.complaintId, replyId);
  return complaint.relatedTo.includes(id) ? id : undefined;
}

/**
 * Opens the new complaint for a reply's new matter, once per reply. Under an engine without the gate
 * (the legacy one), the complaint is flagged for a person to open it instead.
 */
export function openNewMatter(complaint: ComplaintCase, now: number, actor: Actor, reply: Reply, matter: NewMatter) {
  const existing = openedBy(complaint, reply.eventId);
  if (existing !== undefined) {
    complaint.record(now, actor, 'new-matter', `reply ${reply.eventId} already opened complaint ${existing}`);
    return;
  }
  if (!complaint.options.linkedNewMatter?.()) {
    complaint.flag(now, `reply ${reply.eventId} raises a new matter: open it as a new complaint`);
    return;
  }
  const id = linkedComplaintId(complaint.complaintId, reply.eventId);
  complaint.relatedTo.push(id);
  complaint.record(now, actor, 'new-matter-opened', `complaint ${id}, from reply ${reply.eventId}`);
  complaint.lifecycle(now, 'complaint.linked', `linked:${id}`, { relatedTo: id, replyId: reply.eventId });
  complaint.outbox.linked.push({
    complaintId: id,
    complaint: linkedComplaint(complaint.input.complaint, matter, reply),
    openedBy: { eventId: linkedOpenedBy(reply.eventId), source: REDRESS_SOURCE },
    linkedFrom: { complaintId: complaint.complaintId, replyId: reply.eventId },
  });
}

/** The `openNewMatter` action: the reply is in the conversation (its rule checked that). */
export function doOpenNewMatter(complaint: ComplaintCase, now: number, i: OpenNewMatterInput): void {
  const { replyId, actor, ...matter } = i;
  openNewMatter(complaint, now, actor, complaint.conversation.reply(replyId)!, matter);
}

/** Why the action may not be taken, or undefined: the reply must be this complaint's, and not opened yet. */
export function newMatterRefusal(complaint: ComplaintCase, i: OpenNewMatterInput): string | undefined {
  // The engine without the gate cannot start another workflow: say so rather than only flag it.
  if (complaint.options.linkedNewMatter === undefined) {
    return 'this complaint runs the legacy engine, which cannot open a linked complaint: open the new matter as a new complaint';
  }
  if (!complaint.conversation.reply(i.replyId)) return `no reply ${i.replyId} from the customer on this complaint`;
  const existing = openedBy(complaint, i.replyId);
  return existing !== undefined ? `reply ${i.replyId} already opened complaint ${existing}` : undefined;
}

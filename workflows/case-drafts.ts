import { inWorkflowContext, patched } from '@temporalio/workflow';
import { ACTIONS, type ActionBody, type ActionInput, type ActionName } from '../domain/actions';
import type { Actor } from '../domain/actor';
import { checkDraft, draftId, severeFindings, type DraftCheck } from '../domain/drafts/check';
import { isDraftable, type DraftAction } from '../domain/drafts/letters';
import type { ComplaintCase } from './case';

/**
 * Drafts held for a supervisor, their approvals, and the approved drafts already sent (issue 13 §3).
 * Held in the workflow rather than only answered: the approval then names a draft the complaint holds
 * (a supervisor approves text they can read, never a bare hash), the held drafts are the queue of a later
 * page, and "sent exactly once" is decided where the sending is. Recording a draft issues no command.
 */

/** The most drafts held at once; the oldest unapproved one is let go first (each is one text). */
export const HELD_DRAFTS_LIMIT = 20;

export interface HeldDraft {
  draftId: string;
  action: DraftAction;
  /** The body as drafted: the agent's words, read by the supervisor before approving. */
  input: Record<string, unknown>;
  by: string;
  at: string;
  /** The severe findings, as `category "words"` (field). */
  findings: string[];
  approvedBy?: string;
}

/** The drafts' state as plain JSON (carried over continue-as-new). */
export interface CarriedDrafts {
  held: HeldDraft[];
  /** Ids of approved drafts already sent: each may be sent once. */
  sent: string[];
}

export class DraftBook {
  held: HeldDraft[] = [];
  sent: string[] = [];

  find(id: string): HeldDraft | undefined {
    return this.held.find((d) => d.draftId === id);
  }

  hold(draft: HeldDraft): void {
    if (this.find(draft.draftId)) return;
    this.held.push(draft);
    while (this.held.length > HELD_DRAFTS_LIMIT) {
      const oldest = this.held.findIndex((d) => d.approvedBy === undefined);
      this.held.splice(oldest === -1 ? 0 : oldest, 1);
    }
  }

  carry(): CarriedDrafts {
    return { held: this.held, sent: this.sent };
  }

  restore(c: CarriedDrafts | undefined): void {
    this.held = c?.held ?? [];
    this.sent = c?.sent ?? [];
  }
}

/**
 * The `patched()` id under which the record view counts the drafts awaiting a supervisor (the held-drafts
 * queue) and a held draft republishes it: histories recorded before it published no view for a draft.
 */
export const HELD_DRAFTS_VIEW_PATCH = 'held-drafts-in-view';

/** Whether this run's view carries the held drafts (always, outside a workflow: tests of the view). */
export const viewCarriesHeldDrafts = (): boolean => !inWorkflowContext() || patched(HELD_DRAFTS_VIEW_PATCH);

/**
 * The view's count of drafts awaiting approval, when this run's view carries it. The patch is asked only
 * once a draft has been held, so its marker is recorded in the activation that held it and a complaint
 * that never holds one has none: asked on every view from intake on, a replay under load once failed on
 * this marker (not reproduced since), and a marker no behaviour needs is a risk with no gain. No count is
 * 0 to the store.
 */
export function heldDraftsInView(drafts: DraftBook): { heldDrafts?: number } {
  if (drafts.held.length === 0) return {};
  return viewCarriesHeldDrafts() ? { heldDrafts: drafts.held.filter((d) => d.approvedBy === undefined).length } : {};
}

const bodyOf = <N extends ActionName>(i: ActionInput<N>): Record<string, unknown> => {
  const { actor: _actor, ...body } = i as ActionInput<N> & Record<string, unknown>;
  return body;
};

/** Checks a draft against the case and holds it when severe (a timeline entry names it, not its words). */
export function draftOnCase(
  complaint: ComplaintCase,
  now: number,
  action: DraftAction,
  body: ActionBody<DraftAction>,
  actor: Actor,
): DraftCheck {
  const report = checkDraft(action, body, {
    complaintId: complaint.complaintId,
    policy: complaint.policy,
    customer: complaint.input.complaint.customer,
    timeZone: complaint.assessment.snapshot.zone,
    ...(complaint.remedy ? { remedy: complaint.remedy } : {}),
    now,
  });
  if (report.severe && !complaint.drafts.find(report.draftId) && !complaint.drafts.sent.includes(report.draftId)) {
    const severe = report.respect.filter((f) => f.severity === 'severe');
    complaint.drafts.hold({
      draftId: report.draftId,
      action,
      input: body,
      by: actor.id,
      at: new Date(now).toISOString(),
      findings: severe.map((f) => `${f.category} "${f.span.text}" (${f.field})`),
    });
    complaint.record(
      now,
      actor,
      'draft-held',
      `${action} draft ${report.draftId} awaits a supervisor: ${severe.map((f) => f.category).join(', ')}`,
    );
  }
  return report;
}

/** Refuses an approval unless the draft is held and not yet approved (a state check: handler too). */
export function approvalRefusal(complaint: ComplaintCase, id: string): string | undefined {
  if (complaint.drafts.sent.includes(id)) return `draft ${id} was approved and sent already`;
  const held = complaint.drafts.find(id);
  if (!held)
    return `no draft ${id} is held on this complaint: check it with POST /complaints/${complaint.complaintId}/drafts first`;
  if (held.approvedBy !== undefined) return `draft ${id} was already approved by ${held.approvedBy}`;
  return undefined;
}

export function approveDraft(complaint: ComplaintCase, now: number, id: string, actor: Actor): void {
  const held = complaint.drafts.find(id)!;
  held.approvedBy = actor.id;
  complaint.record(now, actor, 'draft-approved', `${held.action} draft ${id} (drafted by ${held.by})`);
}

/**
 * The admission rule of a send (rules.ts `admitAction`): text with a severe finding is refused unless a
 * supervisor approved this exact draft and it was not sent yet. New since drafts existed, so admission
 * only: a replay never judges a send accepted before it (or by a respect check since changed).
 */
export function sendAdmission(
  name: ActionName,
  body: Record<string, unknown>,
  live: ComplaintCase | undefined,
): string | undefined {
  if (!isDraftable(name)) return undefined;
  const parsed = ACTIONS[name].input.safeParse(body);
  if (!parsed.success) return undefined; // the schema's own refusal comes first
  const severe = severeFindings(name, parsed.data);
  if (severe.length === 0) return undefined;
  const id = draftId(name, parsed.data);
  const sent = sentRefusal(live, id);
  if (sent) return sent;
  if (live?.drafts.find(id)?.approvedBy !== undefined) return undefined;
  const found = severe.map((f) => `${f.category} "${f.span.text}" in ${f.field}`).join('; ');
  return `this text needs a supervisor's approval before it is sent (${found}): check it with POST /complaints/:id/drafts, then a supervisor approves draft ${id} (or reword it)`;
}

function sentRefusal(live: ComplaintCase | undefined, id: string): string | undefined {
  return live?.drafts.sent.includes(id)
    ? `approved draft ${id} was already sent; an approval lets a draft be sent once`
    : undefined;
}

/**
 * The state check of a send (validator and handler): an approved draft already sent is not sent again,
 * even by two sends admitted together. Only approved drafts are ever in `sent`, so an older history
 * (none) and a text without a severe finding are never refused by it.
 */
export function resendRefusal<N extends ActionName>(
  name: N,
  complaint: ComplaintCase,
  i: ActionInput<N>,
): string | undefined {
  if (complaint.drafts.sent.length === 0 || !isDraftable(name)) return undefined;
  return sentRefusal(complaint, draftId(name, bodyOf(i)));
}

/** Before a send's effect: an approved draft being sent is used up. */
export function useApprovedDraft<N extends ActionName>(name: N, complaint: ComplaintCase, i: ActionInput<N>): void {
  if (!isDraftable(name) || !complaint.drafts.held.some((d) => d.approvedBy !== undefined)) return;
  const id = draftId(name, bodyOf(i));
  const held = complaint.drafts.find(id);
  if (held?.approvedBy === undefined || complaint.drafts.sent.includes(id)) return;
  complaint.drafts.sent.push(id);
  complaint.drafts.held = complaint.drafts.held.filter((d) => d.draftId !== id);
}

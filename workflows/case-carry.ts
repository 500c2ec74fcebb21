import type { Assessment } from '../activities';
import type { ClockState } from '../domain/clock';
import type { ComplaintCase } from './case';
import type { Commitment } from './case-commitments';
import type { CarriedConversation } from './conversation-log';
import type { CarriedDrafts } from './case-drafts';
import type { VulnerabilityStatus } from '../domain/vulnerability';
import type { ComplaintStatus, Remedy, Stage, TimelineEntry } from './messages';

/**
 * What a complaint hands to its next run when it continues as new: its whole state as plain JSON
 * (the outbox is carried beside it, by the engine). Every field of the case that matters later is here;
 * the timeline, seen ids and flags are already bounded by the case's options.
 */

/** The state a case carries into a new run (continue-as-new): plain JSON. */
export interface CarriedCase {
  assessment: Assessment;
  receivedAt: number;
  state: {
    stage: Stage;
    clocks: Record<string, ClockState>;
    breaches: Array<{ clock: string; at: string }>;
    escalated: boolean;
    assignee?: string;
    waitingOnCustomer: boolean;
    listeningDone: boolean;
    /** Absent when carried by a run from before it existed (then false). */
    accountAwaitingConfirmation?: boolean;
    remedy?: Remedy;
    remedyCount: number;
    outcome?: ComplaintStatus['outcome'];
    cause?: string;
    csat?: number;
    reopenCount: number;
    cycle: number;
    flags: string[];
    firstResponseAt?: number;
    finalResponseAt?: number;
    extended: boolean;
    /** Whether this cycle's apology admitted fault; absent when carried by a run from before (then false). */
    faultAdmitted?: boolean;
    scheduled: ComplaintCase['scheduled'];
    timeline: TimelineEntry[];
    timelineDropped: number;
    seen: string[];
    escalations: number;
    dueInDays?: number;
    alerts: number;
    occurrences: Record<string, number>;
    viewRevision: number;
    lastView: string;
    /** Absent when carried by a run from before the conversation was kept. */
    conversation?: CarriedConversation;
    /** Absent when carried by a run from before drafts were held. */
    drafts?: CarriedDrafts;
    /** Absent when carried by a run from before commitments existed. */
    commitments?: Commitment[];
    /** Absent when no agent recorded vulnerability (or carried by a run from before it existed). */
    vulnerability?: VulnerabilityStatus;
    /** Absent when no reply raised a new matter (or carried by a run from before links existed). */
    relatedTo?: string[];
  };
}

/** Everything the complaint needs to go on in a new run, as plain JSON. */
export function carryCase(complaint: ComplaintCase): CarriedCase {
  return {
    assessment: complaint.assessment,
    receivedAt: complaint.receivedAt,
    state: {
      stage: complaint.stage,
      clocks: complaint.clocks,
      breaches: complaint.breaches,
      escalated: complaint.escalated,
      ...(complaint.assignee !== undefined ? { assignee: complaint.assignee } : {}),
      waitingOnCustomer: complaint.waitingOnCustomer,
      listeningDone: complaint.listeningDone,
      accountAwaitingConfirmation: complaint.accountAwaitingConfirmation,
      ...(complaint.remedy ? { remedy: complaint.remedy } : {}),
      remedyCount: complaint.remedyCount,
      ...(complaint.outcome ? { outcome: complaint.outcome } : {}),
      ...(complaint.cause ? { cause: complaint.cause } : {}),
      ...(complaint.csat !== undefined ? { csat: complaint.csat } : {}),
      reopenCount: complaint.reopenCount,
      cycle: complaint.cycle,
      flags: complaint.flags,
      ...(complaint.firstResponseAt !== undefined ? { firstResponseAt: complaint.firstResponseAt } : {}),
      ...(complaint.finalResponseAt !== undefined ? { finalResponseAt: complaint.finalResponseAt } : {}),
      extended: complaint.extended,
      faultAdmitted: complaint.faultAdmitted,
      scheduled: complaint.scheduled,
      timeline: complaint.timeline,
      timelineDropped: complaint.timelineDropped,
      seen: [...complaint.seen],
      escalations: complaint.escalations,
      ...(complaint.dueInDays !== undefined ? { dueInDays: complaint.dueInDays } : {}),
      alerts: complaint.alerts,
      occurrences: complaint.occurrences,
      viewRevision: complaint.viewRevision,
      lastView: complaint.lastView,
      conversation: complaint.conversation.carry(),
      drafts: complaint.drafts.carry(),
      commitments: complaint.commitments,
      ...(complaint.vulnerability ? { vulnerability: complaint.vulnerability } : {}),
      ...(complaint.relatedTo.length > 0 ? { relatedTo: complaint.relatedTo } : {}),
    },
  };
}

/** Puts carried state back into a new case made from the same input and assessment. */
export function restoreCase(complaint: ComplaintCase, carried: CarriedCase): void {
  const { seen, timeline, conversation, drafts, ...state } = carried.state;
  Object.assign(complaint, state);
  complaint.drafts.restore(drafts);
  if (conversation) complaint.conversation.restore(conversation);
  complaint.seen.clear();
  for (const id of seen) complaint.seen.add(id);
  complaint.timeline.push(...timeline);
}

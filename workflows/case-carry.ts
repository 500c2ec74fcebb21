import type { Assessment } from '../activities';
import type { ClockState } from '../domain/clock';
import type { ComplaintCase } from './case';
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
  };
}

/** Everything the complaint needs to go on in a new run, as plain JSON. */
export function carryCase(k: ComplaintCase): CarriedCase {
  return {
    assessment: k.assessment,
    receivedAt: k.receivedAt,
    state: {
      stage: k.stage,
      clocks: k.clocks,
      breaches: k.breaches,
      escalated: k.escalated,
      ...(k.assignee !== undefined ? { assignee: k.assignee } : {}),
      waitingOnCustomer: k.waitingOnCustomer,
      listeningDone: k.listeningDone,
      ...(k.remedy ? { remedy: k.remedy } : {}),
      remedyCount: k.remedyCount,
      ...(k.outcome ? { outcome: k.outcome } : {}),
      ...(k.cause ? { cause: k.cause } : {}),
      ...(k.csat !== undefined ? { csat: k.csat } : {}),
      reopenCount: k.reopenCount,
      cycle: k.cycle,
      flags: k.flags,
      ...(k.firstResponseAt !== undefined ? { firstResponseAt: k.firstResponseAt } : {}),
      ...(k.finalResponseAt !== undefined ? { finalResponseAt: k.finalResponseAt } : {}),
      extended: k.extended,
      scheduled: k.scheduled,
      timeline: k.timeline,
      timelineDropped: k.timelineDropped,
      seen: [...k.seen],
      escalations: k.escalations,
      ...(k.dueInDays !== undefined ? { dueInDays: k.dueInDays } : {}),
      alerts: k.alerts,
      occurrences: k.occurrences,
      viewRevision: k.viewRevision,
      lastView: k.lastView,
    },
  };
}

/** Puts carried state back into a new case made from the same input and assessment. */
export function restoreCase(k: ComplaintCase, carried: CarriedCase): void {
  const { seen, timeline, ...state } = carried.state;
  Object.assign(k, state);
  k.seen.clear();
  for (const id of seen) k.seen.add(id);
  k.timeline.push(...timeline);
}

import { SYSTEM_ACTOR } from '../domain/actor';
import { BEFORE_FINAL } from '../domain/stages';
import type { ComplaintCase } from './case';

/**
 * Keeping the customer informed (DISP 1.6.1R(2)): under a policy with `progressUpdates`, a progress letter
 * goes when no other letter has gone to the customer for that long, until the final response. Each
 * customer letter moves the next update on; none goes while the complaint waits on the customer's answer.
 */

/** The patch gating progress updates: histories recorded before schedule none. */
export const PROGRESS_UPDATES_PATCH = 'redress-progress-updates';

/** Until the final (or summary resolution) response: intake's acknowledgement goes while still `received`. */
const awaitingFinal = (complaint: ComplaintCase): boolean =>
  complaint.finalResponseAt === undefined && (complaint.stage === 'received' || BEFORE_FINAL.includes(complaint.stage));

/** After a letter to the customer: the next progress update is due `every` later (if the policy asks). */
export function scheduleProgressUpdate(complaint: ComplaintCase, now: number): void {
  const every = complaint.policy.progressUpdates?.every;
  if (!every || !awaitingFinal(complaint) || !complaint.options.progressUpdates?.()) {
    complaint.scheduled.progressUpdateAt = undefined;
    return;
  }
  complaint.scheduled.progressUpdateAt = complaint.after(now, every);
}

/** The update is due: send it, unless the final response went or the customer owes us an answer. */
export function runDueProgressUpdate(complaint: ComplaintCase, now: number): void {
  const at = complaint.scheduled.progressUpdateAt;
  if (at === undefined || at > now) return;
  complaint.scheduled.progressUpdateAt = undefined;
  if (!awaitingFinal(complaint)) return;
  if (complaint.waitingOnCustomer) {
    scheduleProgressUpdate(complaint, now);
    return;
  }
  complaint.record(now, SYSTEM_ACTOR, 'progress-update-sent');
  // The letter itself schedules the next update (every customer letter does).
  complaint.notify(now, 'progress-update', complaint.repeatable('progress-update', `progress:${now}`), {
    finalResponseDeadline: promisedResponseDeadline(complaint),
  });
}

/**
 * The deadline a letter promises the customer's response by: the final response's, or the CFPB's
 * `response` where a regime has no final-response clock of its own; "soon" before any is known.
 */
export function promisedResponseDeadline(complaint: ComplaintCase): string {
  return complaint.clocks['final-response']?.deadline ?? complaint.clocks['response']?.deadline ?? 'soon';
}

import { SYSTEM_ACTOR } from '../domain/actor';
import type { ClockEvent } from '../domain/clock';
import { rolesAt, staffRecipient, type StaffRecipient } from '../domain/policy/ladder';
import type { ComplaintCase } from './case';

/**
 * The warning ladder (issue 13, "warnings that reach people"): when a deadline clock warns or breaches,
 * the roles its policy's ladder names at that rung get a staff notification on
 * `complaints.notifications`, resolved now — the assignee by id, or the team queue while the complaint
 * has no owner. The notification carries the complaint id and the clock only, no customer data.
 */

/** The `patched()` id that gates the ladder: histories recorded before it issue no staff notifications. */
export const WARNING_LADDER_PATCH = 'redress-warning-ladder';

const named = (r: StaffRecipient): string =>
  r.staffId !== undefined ? `${r.role} ${r.staffId}` : r.ladder ? `${r.role} (no ${r.ladder} yet)` : r.role;

/**
 * Notifies the ladder's rung for a fired warning or breach of a deadline clock. `cycle` is the run of
 * the clock in the warning's own event id, so every rung of every run is a distinct letter.
 */
export function climbLadder(
  complaint: ComplaintCase,
  now: number,
  event: ClockEvent,
  cycle: string,
  deadline: string | undefined,
): void {
  const at = event.type === 'warning' ? event.fraction : 'breach';
  const roles = rolesAt(complaint.policy, event.clock, at);
  // Asked only when there is someone to tell, so a complaint whose policy has no ladder records no marker.
  if (roles.length === 0 || !complaint.options.warningLadder?.()) return;
  const percent = `${Math.round((event.type === 'warning' ? event.fraction : 1) * 100)}%`;
  const vars: Record<string, string> = {
    clock: event.clock,
    deadline: deadline ?? 'unknown',
    ...(event.type === 'warning'
      ? { percent, lateText: event.late ? ' (late: its instant passed while the clock was paused)' : '' }
      : {}),
  };
  const recipients = roles.map((role) => {
    const recipient = staffRecipient(role, complaint.assignee);
    complaint.notifyStaff(
      event.type === 'warning' ? 'deadline-warning' : 'deadline-breached',
      `ladder:${event.clock}:${cycle}:${at}:${role}`,
      vars,
      recipient,
    );
    return named(recipient);
  });
  complaint.record(
    now,
    SYSTEM_ACTOR,
    'staff-notified',
    `${event.clock} ${event.type === 'warning' ? `at ${percent}` : 'breached'}: ${recipients.join(', ')}`,
  );
}

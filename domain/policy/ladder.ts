import type { Ladder, Policy } from './schema';
import type { LadderRole } from './vocabulary';

/**
 * A clock's warning ladder (docs/policies.md, "Warning ladders"): which roles hear of a warning or a
 * breach, and who a role is at the moment it fires. Pure, so the workflow runs it on the policy it
 * recorded at intake.
 */

/** The ladder that covers a clock: its own, else the policy's; none for an unknown clock. */
export function ladderOf(policy: Policy, clock: string): Ladder {
  const spec = policy.clocks.find((c) => c.name === clock);
  if (!spec || spec.kind === 'window') return [];
  return spec.ladder ?? policy.ladder ?? [];
}

/** The roles notified at one rung: a warning fraction, or `breach`, in the ladder's order. */
export function rolesAt(policy: Policy, clock: string, at: number | 'breach'): LadderRole[] {
  return ladderOf(policy, clock)
    .filter((step) => step.at === at)
    .map((step) => step.notify);
}

/**
 * Who a staff notification is for, as published in `recipient` (type `staff`). `role` is whom the
 * ladder named; `staffId` is set when Redress knows the person (an assignee), and an `assignee` rung of
 * an unassigned complaint goes to the team queue (`role: 'team-queue'`, `ladder: 'assignee'`).
 */
export interface StaffRecipient {
  type: 'staff';
  role: LadderRole;
  staffId?: string;
  /** The role the ladder named, when the notification went elsewhere (an unassigned complaint's queue). */
  ladder?: LadderRole;
}

/** Resolves a ladder role at fire time: the assignee by id, or the team queue while nobody owns the complaint. */
export function staffRecipient(role: LadderRole, assignee: string | undefined): StaffRecipient {
  if (role !== 'assignee') return { type: 'staff', role };
  if (assignee === undefined) return { type: 'staff', role: 'team-queue', ladder: 'assignee' };
  return { type: 'staff', role: 'assignee', staffId: assignee };
}

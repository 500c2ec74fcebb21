/**
 * The stages of a complaint (DESIGN §2), as plain data: the workflow's rules (`workflows/case.ts`), its
 * message contract and the API all use this one list. Escalated is a flag, not a stage.
 */
export const STAGES = [
  'received',
  'acknowledged',
  'listening',
  'apology',
  'remedy',
  'follow-up',
  'resolved',
  'closed',
  'withdrawn',
] as const;
export type Stage = (typeof STAGES)[number];

/** Every stage but the two a complaint never leaves. */
export const OPEN_STAGES: readonly Stage[] = STAGES.filter((s) => s !== 'closed' && s !== 'withdrawn');

/** The stages before the final response. */
export const BEFORE_FINAL: readonly Stage[] = ['acknowledged', 'listening', 'apology', 'remedy'];

/**
 * The stage machine: where each stage may go next (DESIGN §2). Listening may be skipped when the
 * customer confirms their account at once; any open stage may end as withdrawn; follow-up and resolved
 * reopen into listening.
 */
export const TRANSITIONS: Readonly<Record<Stage, readonly Stage[]>> = {
  received: ['acknowledged', 'withdrawn'],
  acknowledged: ['listening', 'apology', 'follow-up', 'withdrawn'],
  listening: ['apology', 'follow-up', 'withdrawn'],
  apology: ['remedy', 'follow-up', 'withdrawn'],
  remedy: ['follow-up', 'withdrawn'],
  'follow-up': ['resolved', 'listening', 'withdrawn'],
  resolved: ['closed', 'listening'],
  closed: [],
  withdrawn: [],
};

/** Whether the stage machine lets a complaint move from `from` to `to`. */
export function canMove(from: Stage, to: Stage): boolean {
  return TRANSITIONS[from].includes(to);
}

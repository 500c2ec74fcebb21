import { SYSTEM_ACTOR, type Actor } from '../domain/actor';
import type { CommitmentStatus } from '../domain/commitments';
import { toEpochMs } from '../domain/clock';
import type { BreachAction } from '../domain/policy/vocabulary';
import { REMEDY_DUE_CLOCK, type ComplaintCase } from './case';
import type { AddCommitmentInput, KeepCommitmentInput } from './messages';

/**
 * Commitments made by an action (domain/commitments.ts): each is a due instant the workflow wakes for.
 * Kept when the agent says so; missed when its instant passes first: the complaint escalates, the
 * supervisor is alerted, and a customer who was told gets an apology naming a new date — one business
 * day on, itself a commitment. That one is not rescheduled again by itself: a second miss escalates and
 * leaves the new promise to a person.
 *
 * A remedy's due date and a holding response's date are promises too (read from their clocks, see
 * `commitmentsOf`): when one breaches, `onPromiseClockBreached` treats it as a missed commitment — the
 * same apology with a new date, which is then a commitment kept by the remedy's fulfilment or the final
 * response. That sends a letter, so it is behind `MISSED_PROMISE_APOLOGY_PATCH`.
 *
 * State only until one is made, so histories from before commitments existed replay unchanged.
 */

/**
 * The `patched()` id under which a breached remedy-due or holding-response date apologises to the
 * customer with a new date; a history recorded before has no marker there and sends no letter.
 */
export const MISSED_PROMISE_APOLOGY_PATCH = 'redress-missed-promise-apology';

/** A commitment the case keeps (the status adds those read from the remedy and holding clocks). */
export interface Commitment {
  commitmentId: string;
  /** `remedy` and `holding` only as the new date after such a promise was missed (`source: 'rescheduled'`). */
  kind: 'call-back' | 'reply' | 'other' | 'remedy' | 'holding';
  owner: string;
  dueAt: string;
  words: string;
  visibleToCustomer: boolean;
  status: 'open' | 'kept' | 'missed';
  source: 'action' | 'rescheduled';
  madeBy: string;
  rescheduledFrom?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** The clock a holding response extends to the date it gave (every shipped regime's name for it). */
const HOLDING_CLOCK = 'final-response';

function make(complaint: ComplaintCase, now: number, actor: Actor, c: Omit<Commitment, 'commitmentId' | 'status'>) {
  const commitment: Commitment = {
    commitmentId: `${complaint.complaintId}:commitment:${complaint.occurrence('commitment')}`,
    status: 'open',
    ...c,
  };
  complaint.commitments.push(commitment);
  complaint.record(now, actor, 'commitment-made', `${c.kind} by ${c.dueAt}, owned by ${c.owner}`);
  complaint.lifecycle(now, 'complaint.commitment-made', `commitment-made:${commitment.commitmentId}`, {
    commitmentId: commitment.commitmentId,
    kind: c.kind,
    owner: c.owner,
    dueAt: c.dueAt,
    visibleToCustomer: c.visibleToCustomer,
  });
  return commitment;
}

export function doAddCommitment(complaint: ComplaintCase, now: number, i: AddCommitmentInput): void {
  make(complaint, now, i.actor, {
    kind: i.kind,
    owner: i.owner ?? complaint.assignee ?? i.actor.id,
    dueAt: new Date(i.dueAt).toISOString(),
    words: i.words,
    visibleToCustomer: i.visibleToCustomer,
    source: 'action',
    madeBy: i.actor.id,
  });
}

/** The open commitment an action names, or undefined. */
export function openCommitment(complaint: ComplaintCase, commitmentId: string): Commitment | undefined {
  return complaint.commitments.find((c) => c.commitmentId === commitmentId && c.status === 'open');
}

export function doKeepCommitment(complaint: ComplaintCase, now: number, i: KeepCommitmentInput): void {
  const c = openCommitment(complaint, i.commitmentId)!;
  c.status = 'kept';
  complaint.record(now, i.actor, 'commitment-kept', `${c.kind} due ${c.dueAt}${i.note ? `: ${i.note}` : ''}`);
  complaint.lifecycle(now, 'complaint.commitment-kept', `commitment-kept:${c.commitmentId}`, {
    commitmentId: c.commitmentId,
    by: i.actor.id,
  });
}

/** Misses every open commitment whose instant has come (in the order they were made). */
export function runDueCommitments(complaint: ComplaintCase, now: number): void {
  for (const c of [...complaint.commitments]) {
    if (c.status === 'open' && toEpochMs(c.dueAt) <= now) miss(complaint, now, c);
  }
}

function miss(complaint: ComplaintCase, now: number, c: Commitment): void {
  c.status = 'missed';
  complaint.record(now, SYSTEM_ACTOR, 'commitment-missed', `${c.kind} owned by ${c.owner} was due ${c.dueAt}`, [
    `commitment missed: ${c.kind} due ${c.dueAt}`,
  ]);
  complaint.lifecycle(now, 'complaint.commitment-missed', `commitment-missed:${c.commitmentId}`, {
    commitmentId: c.commitmentId,
    kind: c.kind,
    owner: c.owner,
    dueAt: c.dueAt,
  });
  complaint.escalate(now, SYSTEM_ACTOR, `commitment ${c.commitmentId} missed`);
  complaint.alertSupervisor('commitment missed', `${c.kind} owned by ${c.owner} was due ${c.dueAt}`);
  if (!c.visibleToCustomer || c.source === 'rescheduled') return;
  apologiseWithNewDate(complaint, now, c);
}

/** The apology for a promise the customer was given and we broke: a new date, itself a commitment. */
function apologiseWithNewDate(
  complaint: ComplaintCase,
  now: number,
  c: Pick<Commitment, 'commitmentId' | 'kind' | 'owner' | 'dueAt' | 'words'>,
): void {
  const next = make(complaint, now, SYSTEM_ACTOR, {
    kind: c.kind,
    owner: c.owner,
    dueAt: iso(complaint.after(now, { amount: 1, unit: 'business-days' })),
    words: c.words,
    visibleToCustomer: true,
    source: 'rescheduled',
    madeBy: SYSTEM_ACTOR.id,
    rescheduledFrom: c.commitmentId,
  });
  // A holding response's promise is quoted in the template's words, in the customer's locale; an agent's in theirs.
  const promise: Record<string, string> = c.kind === 'holding' ? { promise: 'holding' } : { words: c.words };
  complaint.notify(now, 'commitment-apology', `commitment-apology:${c.commitmentId}`, {
    ...promise,
    dueAt: c.dueAt,
    newDueAt: next.dueAt,
  });
}

/**
 * What the status (staff) says a missed holding-response promise was. The customer's apology does not
 * quote it: the letter takes its template's `holding-promise` sentence, in the customer's locale.
 */
const HOLDING_WORDS = 'We will send you our final response.';

/**
 * A policy clock's breach, when that clock is a promise the customer was given (the remedy's due date,
 * or the final response's date after a holding response): the commitment is missed like one an agent
 * made — escalated and alerted (unless the clock's breach actions already did), and apologised for with
 * a new date. No shipped regime forbids that, and the FCA's asks for it (DISP 1.6.1R(2): keep the
 * customer informed). A new date never makes the breach compliant: under fca-payments day 35 is a
 * limit no letter moves, and the breach still counts in the reports.
 */
export function onPromiseClockBreached(
  complaint: ComplaintCase,
  now: number,
  clock: string,
  actions: readonly BreachAction[],
): void {
  const promise = brokenPromise(complaint, clock);
  // Asked only when a promise clock breaches, so the marker sits exactly where the new letter is.
  if (!promise || !complaint.options.missedPromiseApology?.()) return;
  complaint.record(
    now,
    SYSTEM_ACTOR,
    'commitment-missed',
    `${promise.kind} owned by ${promise.owner} was due ${promise.dueAt}`,
  );
  complaint.lifecycle(now, 'complaint.commitment-missed', `commitment-missed:${promise.commitmentId}`, {
    commitmentId: promise.commitmentId,
    kind: promise.kind,
    owner: promise.owner,
    dueAt: promise.dueAt,
  });
  if (!actions.includes('escalate')) complaint.escalate(now, SYSTEM_ACTOR, `commitment ${promise.commitmentId} missed`);
  if (!actions.includes('notify-supervisor')) {
    complaint.alertSupervisor(
      'commitment missed',
      `${promise.kind} owned by ${promise.owner} was due ${promise.dueAt}`,
    );
  }
  apologiseWithNewDate(complaint, now, promise);
}

/** The promise a breached clock stood for, if it was one the customer was given (as the status reads it). */
function brokenPromise(complaint: ComplaintCase, clock: string): CommitmentStatus | undefined {
  const source = clock === REMEDY_DUE_CLOCK ? 'remedy' : clock === HOLDING_CLOCK ? 'holding' : undefined;
  const promise = source && commitmentsOf(complaint).find((c) => c.source === source);
  if (!promise) return undefined;
  return promise.kind === 'holding' ? { ...promise, words: HOLDING_WORDS } : promise;
}

/** The id of a remedy's due date as a commitment. */
export const remedyPromiseId = (remedyId: string): string => `${remedyId}:due`;
/** The id of this cycle's holding-response date as a commitment. */
export const holdingPromiseId = (complaint: ComplaintCase): string =>
  `${complaint.complaintId}:holding:c${complaint.cycle}`;

/**
 * The new date given after a remedy or holding promise was missed is kept by the event the promise was
 * for: that remedy's fulfilment, or the final response. (Only such a new date is kept this way: the
 * rescheduled commitments an agent's own promises get are kept by the agent.)
 */
export function keepRescheduled(complaint: ComplaintCase, now: number, promiseId: string, actor: Actor): void {
  for (const c of complaint.commitments) {
    if (c.rescheduledFrom !== promiseId || c.status !== 'open') continue;
    c.status = 'kept';
    complaint.record(now, actor, 'commitment-kept', `${c.kind} due ${c.dueAt}`);
    complaint.lifecycle(now, 'complaint.commitment-kept', `commitment-kept:${c.commitmentId}`, {
      commitmentId: c.commitmentId,
      by: actor.id,
    });
  }
}

/** Every commitment for the status: those made by actions, then the remedy's and the holding response's. */
export function commitmentsOf(complaint: ComplaintCase): CommitmentStatus[] {
  const made: CommitmentStatus[] = complaint.commitments.map((c) => ({
    commitmentId: c.commitmentId,
    kind: c.kind,
    owner: c.owner,
    dueAt: c.dueAt,
    words: c.words,
    visibleToCustomer: c.visibleToCustomer,
    status: c.status,
    source: c.source,
    ...(c.rescheduledFrom ? { rescheduledFrom: c.rescheduledFrom } : {}),
  }));
  const r = complaint.remedy;
  if (r?.dueBy && ['requested', 'fulfilled', 'failed'].includes(r.status)) {
    const breached = complaint.clocks[REMEDY_DUE_CLOCK]?.breach.fired ?? false;
    made.push({
      commitmentId: remedyPromiseId(r.remedyId),
      kind: 'remedy',
      owner: r.approvedBy ?? r.proposedBy,
      dueAt: r.dueBy,
      words: r.description,
      visibleToCustomer: true,
      status: r.status === 'fulfilled' && !breached ? 'kept' : r.status === 'failed' || breached ? 'missed' : 'open',
      source: 'remedy',
    });
  }
  const final = complaint.clocks[HOLDING_CLOCK];
  if (complaint.extended && final) {
    made.push({
      commitmentId: holdingPromiseId(complaint),
      kind: 'holding',
      owner: complaint.assignee ?? 'unassigned',
      dueAt: final.deadline,
      words: 'our final response, by the date the holding response gave',
      visibleToCustomer: true,
      status: complaint.finalResponseAt !== undefined ? 'kept' : final.breach.fired ? 'missed' : 'open',
      source: 'holding',
    });
  }
  return made;
}

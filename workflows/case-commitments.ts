import { SYSTEM_ACTOR, type Actor } from '../domain/actor';
import type { CommitmentStatus } from '../domain/commitments';
import { toEpochMs } from '../domain/clock';
import { REMEDY_DUE_CLOCK, type ComplaintCase } from './case';
import type { AddCommitmentInput, KeepCommitmentInput } from './messages';

/**
 * Commitments made by an action (domain/commitments.ts): each is a due instant the workflow wakes for.
 * Kept when the agent says so; missed when its instant passes first: the complaint escalates, the
 * supervisor is alerted, and a customer who was told gets an apology naming a new date — one business
 * day on, itself a commitment. That one is not rescheduled again by itself: a second miss escalates and
 * leaves the new promise to a person.
 *
 * State only until one is made, so histories from before commitments existed replay unchanged.
 */

/** A commitment the case keeps (the status adds those read from the remedy and holding clocks). */
export interface Commitment {
  commitmentId: string;
  kind: 'call-back' | 'reply' | 'other';
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
  complaint.notify(now, 'commitment-apology', `commitment-apology:${c.commitmentId}`, {
    words: c.words,
    dueAt: c.dueAt,
    newDueAt: next.dueAt,
  });
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
      commitmentId: `${r.remedyId}:due`,
      kind: 'remedy',
      owner: r.approvedBy ?? r.proposedBy,
      dueAt: r.dueBy,
      words: r.description,
      visibleToCustomer: true,
      status: r.status === 'fulfilled' && !breached ? 'kept' : r.status === 'failed' || breached ? 'missed' : 'open',
      source: 'remedy',
    });
  }
  const final = complaint.clocks['final-response'];
  if (complaint.extended && final) {
    made.push({
      commitmentId: `${complaint.complaintId}:holding:c${complaint.cycle}`,
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

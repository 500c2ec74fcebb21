import { flagDisrespect } from './respect-flags';
import type { RemedyRequest } from '../activities';
import type { Actor } from '../domain/actor';
import { declineVars, resolutionVars } from '../domain/drafts/letters';
import { needsSupervisorApproval } from '../domain/policy/content';
import { REMEDY_DUE_CLOCK, DEFAULT_REMEDY_DAYS, type ComplaintCase } from './case';
import { agentText } from './respect-flags';
import { holdingPromiseId, keepRescheduled } from './case-commitments';
import type {
  ApologiseInput,
  AskQuestionInput,
  AddNoteInput,
  AssignInput,
  ConfirmAccountInput,
  DecideRemedyInput,
  EscalateInput,
  ExtendInput,
  ProposeRemedyInput,
  RecordAccountInput,
  Remedy,
  ResolveInput,
  SkipApologyInput,
} from './messages';

/**
 * What each human action does to a complaint, once its checks passed (`rules.ts`): the state it
 * changes, the timeline entries, and what it queues to publish. Every instant comes from the caller.
 */

export function doAssign(complaint: ComplaintCase, now: number, i: AssignInput): void {
  const from = complaint.assignee;
  complaint.assignee = i.assignee;
  complaint.record(
    now,
    i.actor,
    from ? 'reassigned' : 'assigned',
    from ? `from ${from} to ${i.assignee}` : `to ${i.assignee}`,
  );
  if (complaint.stage === 'acknowledged') complaint.setStage(now, 'listening', i.actor);
}

export function doRecordAccount(complaint: ComplaintCase, now: number, i: RecordAccountInput): void {
  complaint.record(
    now,
    i.actor,
    'account-recorded',
    i.confirmed
      ? // Older clients sent `confirmed` alone; the input now asks how (see the registry).
        `confirmed by the customer${i.confirmedHow !== undefined ? ` without a written reply: ${i.confirmedHow}` : ''}`
      : 'sent to the customer to confirm',
  );
  complaint.notify(
    now,
    'account-confirmation',
    complaint.repeatable('account', `account:c${complaint.cycle}:${complaint.timeline.length}`),
    {
      account: i.account,
    },
  );
  complaint.firstResponse(now);
  if (i.confirmed) {
    complaint.accountAwaitingConfirmation = false;
    complaint.listeningDone = true;
    complaint.setWaiting(now, false);
    complaint.setStage(now, 'apology', i.actor);
  } else {
    complaint.accountAwaitingConfirmation = true;
    if (complaint.stage === 'acknowledged') complaint.setStage(now, 'listening', i.actor);
    complaint.setWaiting(now, true);
  }
}

/** Listening done because the customer confirmed the account (their reply, or an agent reading it). */
export function confirmListening(complaint: ComplaintCase, now: number, actor: Actor, detail: string): void {
  complaint.accountAwaitingConfirmation = false;
  complaint.listeningDone = true;
  complaint.record(now, actor, 'account-confirmed', detail);
  complaint.setWaiting(now, false);
  complaint.setStage(now, 'apology', actor);
}

/** An agent read a reply as the customer confirming the account (the reply had no `confirmsAccount`). */
export function doConfirmAccount(complaint: ComplaintCase, now: number, i: ConfirmAccountInput): void {
  confirmListening(
    complaint,
    now,
    i.actor,
    `the customer's reply ${i.replyId} confirms the account (read by ${i.actor.id})`,
  );
}

/** An internal note: in the conversation for staff, never sent to the customer. */
export function doAddNote(complaint: ComplaintCase, now: number, i: AddNoteInput): void {
  complaint.conversation.add({
    kind: 'note',
    direction: 'internal',
    at: new Date(now).toISOString(),
    author: i.actor,
    text: i.text,
  });
  // The timeline says a note exists, not what it says: the timeline is read more widely than the conversation.
  complaint.record(now, i.actor, 'note-added');
}

export function doAskQuestion(complaint: ComplaintCase, now: number, i: AskQuestionInput): void {
  complaint.record(now, i.actor, 'question-asked', undefined, flagDisrespect(complaint, i.question));
  complaint.notify(
    now,
    'question',
    complaint.repeatable('question', `question:c${complaint.cycle}:${complaint.timeline.length}`),
    {
      question: i.question,
    },
  );
  complaint.firstResponse(now);
  if (complaint.stage === 'acknowledged') complaint.setStage(now, 'listening', i.actor);
  complaint.setWaiting(now, true);
}

export function doApologise(complaint: ComplaintCase, now: number, i: ApologiseInput): void {
  const flags = flagDisrespect(complaint, i.text);
  complaint.record(now, i.actor, 'apology-sent', i.faultAdmitted ? 'fault admitted' : 'fault not admitted', flags);
  complaint.faultAdmitted = i.faultAdmitted;
  complaint.notify(now, 'apology', `apology:c${complaint.cycle}`, { text: i.text });
  complaint.firstResponse(now);
  complaint.lifecycle(now, 'complaint.apology-sent', `apology:c${complaint.cycle}`, {
    faultAdmitted: i.faultAdmitted,
    by: i.actor.id,
  });
  complaint.setStage(now, 'remedy', i.actor);
}

export function doSkipApology(complaint: ComplaintCase, now: number, i: SkipApologyInput): void {
  complaint.record(now, i.actor, 'apology-skipped', i.reason);
  complaint.setStage(now, 'remedy', i.actor);
}

export function doProposeRemedy(complaint: ComplaintCase, now: number, i: ProposeRemedyInput): void {
  complaint.remedyCount += 1;
  complaint.dueInDays = i.dueInDays;
  const remedyId = `${complaint.complaintId}:remedy:${complaint.remedyCount}`;
  // Alternatives and the explanation are read by the customer too (the decline letter, the final response).
  const others = [...(i.alternatives ?? []), ...(i.explanation !== undefined ? [i.explanation] : [])];
  const flags = flagDisrespect(complaint, agentText(i.description, others));
  const needsApproval =
    i.amount !== undefined &&
    i.currency !== undefined &&
    i.actor.role !== 'supervisor' &&
    needsSupervisorApproval(complaint.policy, i.amount, i.currency);
  const remedy: Remedy = {
    remedyId,
    kind: i.kind,
    description: i.description,
    ...(i.amount !== undefined ? { amount: i.amount } : {}),
    ...(i.currency ? { currency: i.currency } : {}),
    ...(i.alternatives ? { alternatives: i.alternatives } : {}),
    ...(i.meetsDesiredOutcome !== undefined ? { meetsDesiredOutcome: i.meetsDesiredOutcome } : {}),
    ...(i.explanation !== undefined ? { explanation: i.explanation } : {}),
    status: 'awaiting-approval',
    proposedBy: i.actor.id,
    needsApproval,
  };
  complaint.remedy = remedy;
  complaint.record(
    now,
    i.actor,
    'remedy-proposed',
    `${i.kind}${i.amount !== undefined ? ` ${i.amount} ${i.currency ?? ''}` : ''}`,
    flags,
  );
  const summary = { remedyId, kind: i.kind, amount: i.amount ?? null, currency: i.currency ?? null, needsApproval };
  complaint.lifecycle(now, 'complaint.remedy-proposed', `remedy-proposed:${remedyId}`, summary);
  if (i.kind === 'decline') {
    remedy.status = 'declined';
    complaint.notify(now, 'decline', `decline:${remedyId}`, declineVars(i));
    complaint.lifecycle(now, 'complaint.remedy-declined', `remedy-declined:${remedyId}`, { remedyId });
    complaint.applyPolicyEvent(now, 'remedy-declined');
  } else if (i.kind === 'explanation') {
    remedy.status = 'explained';
  } else if (needsApproval) {
    complaint.alertSupervisor(
      'remedy awaiting approval',
      `${i.kind} of ${i.amount ?? ''} ${i.currency ?? ''} is above the approval threshold`,
    );
  } else {
    approveRemedy(complaint, now, i.actor, 'within the policy threshold', i.dueInDays);
  }
}

export function doDecideRemedy(complaint: ComplaintCase, now: number, i: DecideRemedyInput): void {
  const remedy = complaint.remedy!;
  if (i.approve) {
    approveRemedy(complaint, now, i.actor, i.reason, complaint.dueInDays);
  } else {
    remedy.status = 'rejected';
    complaint.record(now, i.actor, 'remedy-rejected', i.reason);
  }
}

function approveRemedy(
  complaint: ComplaintCase,
  now: number,
  actor: Actor,
  reason: string,
  dueInDays: number | undefined,
): void {
  const remedy = complaint.remedy!;
  remedy.approvedBy = actor.id;
  remedy.status = 'requested';
  const due = complaint.start(
    { name: REMEDY_DUE_CLOCK, target: { amount: dueInDays ?? DEFAULT_REMEDY_DAYS, unit: 'days' }, warnings: [0.75] },
    now,
  );
  remedy.dueBy = due.deadline;
  complaint.record(now, actor, 'remedy-approved', reason);
  complaint.lifecycle(now, 'complaint.remedy-approved', `remedy-approved:${remedy.remedyId}`, {
    remedyId: remedy.remedyId,
    by: actor.id,
  });
  complaint.applyPolicyEvent(now, 'remedy-approved');
  const request: RemedyRequest = {
    complaintId: complaint.complaintId,
    remedyId: remedy.remedyId,
    kind: remedy.kind,
    description: remedy.description,
    ...(remedy.amount !== undefined ? { amount: remedy.amount } : {}),
    ...(remedy.currency ? { currency: remedy.currency } : {}),
    dueBy: due.deadline,
    customerId: complaint.input.complaint.customer.id,
  };
  complaint.outbox.remedies.push(request);
  complaint.lifecycle(now, 'complaint.remedy-requested', `remedy-requested:${remedy.remedyId}`, {
    remedyId: remedy.remedyId,
    dueBy: due.deadline,
  });
  complaint.applyPolicyEvent(now, 'remedy-requested');
}

export function doExtend(complaint: ComplaintCase, now: number, i: ExtendInput): void {
  complaint.extended = true;
  complaint.record(now, i.actor, 'holding-response-sent', i.reason, flagDisrespect(complaint, i.reason));
  complaint.notify(now, 'holding-response', `holding:c${complaint.cycle}`, {
    reason: i.reason,
    expectedBy: i.expectedBy,
  });
  complaint.firstResponse(now);
  complaint.applyPolicyEvent(now, 'holding-response-sent', { expectedBy: i.expectedBy });
}

export function doEscalate(complaint: ComplaintCase, now: number, i: EscalateInput): void {
  complaint.escalate(now, i.actor, i.reason);
  complaint.alertSupervisor('escalated', i.reason);
}

export function doWithdraw(complaint: ComplaintCase, now: number, actor: Actor, reason: string): void {
  complaint.record(now, actor, 'withdrawn', reason);
  complaint.applyPolicyEvent(now, 'withdrawn');
  complaint.scheduled = {};
  complaint.setStage(now, 'withdrawn', actor);
  complaint.lifecycle(now, 'complaint.withdrawn', 'withdrawn', { by: actor.id });
}

export function doResolve(complaint: ComplaintCase, now: number, i: ResolveInput): void {
  const flags = flagDisrespect(complaint, agentText(i.reasons, Object.values(i.parts ?? {})));
  const vars = resolutionVars(i, complaint.remedy);
  if (i.response === 'cfpb-response' && i.responseType === 'in-progress') {
    complaint.record(now, i.actor, 'in-progress-response-sent', i.reasons, flags);
    complaint.notify(
      now,
      'cfpb-response',
      complaint.repeatable('cfpb-in-progress', `cfpb-in-progress:c${complaint.cycle}`),
      vars,
    );
    complaint.firstResponse(now);
    complaint.applyPolicyEvent(now, 'in-progress-response-sent');
    return;
  }
  complaint.outcome = i.outcome;
  complaint.cause = i.cause;
  complaint.finalResponseAt = now;
  const accepted = i.customerAccepted !== undefined ? ` (the customer accepted it ${i.customerAccepted})` : '';
  complaint.record(now, i.actor, `${i.response}-sent`, `${i.outcome}: ${i.reasons}${accepted}`, flags);
  complaint.notify(now, i.response, `${i.response}:c${complaint.cycle}`, vars);
  keepRescheduled(complaint, now, holdingPromiseId(complaint), i.actor);
  complaint.firstResponse(now);
  complaint.applyPolicyEvent(
    now,
    i.response === 'summary-resolution' ? 'summary-resolution-sent' : 'final-response-sent',
  );
  complaint.setStage(now, 'follow-up', i.actor);
  complaint.scheduled.surveyAt = complaint.after(now, complaint.policy.followUp.delay);
}

import type { RemedyRequest } from '../activities';
import type { Actor } from '../domain/actor';
import { needsSupervisorApproval } from '../domain/policy/content';
import { REMEDY_DUE_CLOCK, DEFAULT_REMEDY_DAYS, type ComplaintCase } from './case';
import type {
  ApologiseInput,
  AskQuestionInput,
  AssignInput,
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

export function doAssign(k: ComplaintCase, now: number, i: AssignInput): void {
  const from = k.assignee;
  k.assignee = i.assignee;
  k.record(now, i.actor, from ? 'reassigned' : 'assigned', from ? `from ${from} to ${i.assignee}` : `to ${i.assignee}`);
  if (k.stage === 'acknowledged') k.setStage(now, 'listening', i.actor);
}

export function doRecordAccount(k: ComplaintCase, now: number, i: RecordAccountInput): void {
  k.record(
    now,
    i.actor,
    'account-recorded',
    i.confirmed ? 'confirmed by the customer' : 'sent to the customer to confirm',
  );
  k.notify('account-confirmation', k.repeatable('account', `account:c${k.cycle}:${k.timeline.length}`), {
    account: i.account,
  });
  k.firstResponse(now);
  if (i.confirmed) {
    k.listeningDone = true;
    k.setWaiting(now, false);
    k.setStage(now, 'apology', i.actor);
  } else {
    if (k.stage === 'acknowledged') k.setStage(now, 'listening', i.actor);
    k.setWaiting(now, true);
  }
}

export function doAskQuestion(k: ComplaintCase, now: number, i: AskQuestionInput): void {
  k.record(now, i.actor, 'question-asked', undefined, k.flagDisrespect(i.question));
  k.notify('question', k.repeatable('question', `question:c${k.cycle}:${k.timeline.length}`), {
    question: i.question,
  });
  k.firstResponse(now);
  if (k.stage === 'acknowledged') k.setStage(now, 'listening', i.actor);
  k.setWaiting(now, true);
}

export function doApologise(k: ComplaintCase, now: number, i: ApologiseInput): void {
  const flags = k.flagDisrespect(i.text);
  k.record(now, i.actor, 'apology-sent', i.faultAdmitted ? 'fault admitted' : 'fault not admitted', flags);
  k.notify('apology', `apology:c${k.cycle}`, { text: i.text });
  k.firstResponse(now);
  k.lifecycle(now, 'complaint.apology-sent', `apology:c${k.cycle}`, {
    faultAdmitted: i.faultAdmitted,
    by: i.actor.id,
  });
  k.setStage(now, 'remedy', i.actor);
}

export function doSkipApology(k: ComplaintCase, now: number, i: SkipApologyInput): void {
  k.record(now, i.actor, 'apology-skipped', i.reason);
  k.setStage(now, 'remedy', i.actor);
}

export function doProposeRemedy(k: ComplaintCase, now: number, i: ProposeRemedyInput): void {
  k.remedyCount += 1;
  k.dueInDays = i.dueInDays;
  const remedyId = `${k.complaintId}:remedy:${k.remedyCount}`;
  const flags = k.flagDisrespect(i.description);
  const needsApproval =
    i.amount !== undefined &&
    i.currency !== undefined &&
    i.actor.role !== 'supervisor' &&
    needsSupervisorApproval(k.policy, i.amount, i.currency);
  const remedy: Remedy = {
    remedyId,
    kind: i.kind,
    description: i.description,
    ...(i.amount !== undefined ? { amount: i.amount } : {}),
    ...(i.currency ? { currency: i.currency } : {}),
    ...(i.alternatives ? { alternatives: i.alternatives } : {}),
    status: 'awaiting-approval',
    proposedBy: i.actor.id,
    needsApproval,
  };
  k.remedy = remedy;
  k.record(
    now,
    i.actor,
    'remedy-proposed',
    `${i.kind}${i.amount !== undefined ? ` ${i.amount} ${i.currency ?? ''}` : ''}`,
    flags,
  );
  const summary = { remedyId, kind: i.kind, amount: i.amount ?? null, currency: i.currency ?? null, needsApproval };
  k.lifecycle(now, 'complaint.remedy-proposed', `remedy-proposed:${remedyId}`, summary);
  if (i.kind === 'decline') {
    remedy.status = 'declined';
    k.notify('decline', `decline:${remedyId}`, {
      reasons: i.description,
      alternatives: (i.alternatives ?? []).map((a) => `- ${a}`).join('\n'),
    });
    k.lifecycle(now, 'complaint.remedy-declined', `remedy-declined:${remedyId}`, { remedyId });
    k.applyPolicyEvent(now, 'remedy-declined');
  } else if (i.kind === 'explanation') {
    remedy.status = 'explained';
  } else if (needsApproval) {
    k.alertSupervisor(
      'remedy awaiting approval',
      `${i.kind} of ${i.amount ?? ''} ${i.currency ?? ''} is above the approval threshold`,
    );
  } else {
    approveRemedy(k, now, i.actor, 'within the policy threshold', i.dueInDays);
  }
}

export function doDecideRemedy(k: ComplaintCase, now: number, i: DecideRemedyInput): void {
  const remedy = k.remedy!;
  if (i.approve) {
    approveRemedy(k, now, i.actor, i.reason, k.dueInDays);
  } else {
    remedy.status = 'rejected';
    k.record(now, i.actor, 'remedy-rejected', i.reason);
  }
}

function approveRemedy(
  k: ComplaintCase,
  now: number,
  actor: Actor,
  reason: string,
  dueInDays: number | undefined,
): void {
  const remedy = k.remedy!;
  remedy.approvedBy = actor.id;
  remedy.status = 'requested';
  const due = k.start(
    { name: REMEDY_DUE_CLOCK, target: { amount: dueInDays ?? DEFAULT_REMEDY_DAYS, unit: 'days' }, warnings: [0.75] },
    now,
  );
  remedy.dueBy = due.deadline;
  k.record(now, actor, 'remedy-approved', reason);
  k.lifecycle(now, 'complaint.remedy-approved', `remedy-approved:${remedy.remedyId}`, {
    remedyId: remedy.remedyId,
    by: actor.id,
  });
  k.applyPolicyEvent(now, 'remedy-approved');
  const request: RemedyRequest = {
    complaintId: k.complaintId,
    remedyId: remedy.remedyId,
    kind: remedy.kind,
    description: remedy.description,
    ...(remedy.amount !== undefined ? { amount: remedy.amount } : {}),
    ...(remedy.currency ? { currency: remedy.currency } : {}),
    dueBy: due.deadline,
    customerId: k.input.complaint.customer.id,
  };
  k.outbox.remedies.push(request);
  k.lifecycle(now, 'complaint.remedy-requested', `remedy-requested:${remedy.remedyId}`, {
    remedyId: remedy.remedyId,
    dueBy: due.deadline,
  });
  k.applyPolicyEvent(now, 'remedy-requested');
}

export function doExtend(k: ComplaintCase, now: number, i: ExtendInput): void {
  k.extended = true;
  k.record(now, i.actor, 'holding-response-sent', i.reason, k.flagDisrespect(i.reason));
  k.notify('holding-response', `holding:c${k.cycle}`, { reason: i.reason, expectedBy: i.expectedBy });
  k.firstResponse(now);
  k.applyPolicyEvent(now, 'holding-response-sent');
}

export function doEscalate(k: ComplaintCase, now: number, i: EscalateInput): void {
  k.escalate(now, i.actor, i.reason);
  k.alertSupervisor('escalated', i.reason);
}

export function doWithdraw(k: ComplaintCase, now: number, actor: Actor, reason: string): void {
  k.record(now, actor, 'withdrawn', reason);
  k.applyPolicyEvent(now, 'withdrawn');
  k.scheduled = {};
  k.setStage(now, 'withdrawn', actor);
  k.lifecycle(now, 'complaint.withdrawn', 'withdrawn', { by: actor.id });
}

export function doResolve(k: ComplaintCase, now: number, i: ResolveInput): void {
  const flags = k.flagDisrespect(i.reasons);
  const parts = Object.fromEntries(Object.entries(i.parts ?? {}).map(([k, v]) => [`part:${k}`, v]));
  const vars = {
    outcome: i.outcome,
    reasons: i.reasons,
    ...(i.responseType ? { responseType: i.responseType } : {}),
    ...(k.remedy && k.remedy.status !== 'declined' ? { remedy: k.remedy.description } : {}),
    ...parts,
  };
  if (i.response === 'cfpb-response' && i.responseType === 'in-progress') {
    k.record(now, i.actor, 'in-progress-response-sent', i.reasons, flags);
    k.notify('cfpb-response', k.repeatable('cfpb-in-progress', `cfpb-in-progress:c${k.cycle}`), vars);
    k.firstResponse(now);
    k.applyPolicyEvent(now, 'in-progress-response-sent');
    return;
  }
  k.outcome = i.outcome;
  k.cause = i.cause;
  k.finalResponseAt = now;
  k.record(now, i.actor, `${i.response}-sent`, `${i.outcome}: ${i.reasons}`, flags);
  k.notify(i.response, `${i.response}:c${k.cycle}`, vars);
  k.firstResponse(now);
  k.applyPolicyEvent(now, i.response === 'summary-resolution' ? 'summary-resolution-sent' : 'final-response-sent');
  k.setStage(now, 'follow-up', i.actor);
  k.scheduled.surveyAt = k.after(now, k.policy.followUp.delay);
}

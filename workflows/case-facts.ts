import type { InboundData } from '../domain/events';
import { OPEN_STAGES } from '../domain/stages';
import { scoreReopens } from '../domain/policy/content';
import { customerActor, REMEDY_DUE_CLOCK, systemActor, type ComplaintCase } from './case';
import { confirmListening, doWithdraw } from './case-effects';
import { lowScoreAfterFinal, replyAfterFinal } from './case-after-final';
import { reopen, resolveCase } from './case-lifecycle';
import { keepRescheduled, remedyPromiseId } from './case-commitments';
import { openNewMatter } from './case-linked';
import type { ExternalFact, Remedy } from './messages';

/**
 * What each fact from another system does to a complaint (the bridge delivers them as signals, each
 * once by event id): a reply, a withdrawal, a remedy fulfilled or failed, a survey answer.
 */

export function onCustomerReplied(
  complaint: ComplaintCase,
  now: number,
  f: ExternalFact<InboundData<'customer.replied'>>,
): void {
  const actor = customerActor(f);
  complaint.record(
    now,
    actor,
    'customer.replied',
    f.data.sentiment ? `sentiment: ${f.data.sentiment}` : undefined,
    undefined,
    f.eventId,
  );
  complaint.conversation.add({
    kind: 'reply',
    direction: 'in',
    at: new Date(now).toISOString(),
    author: complaint.customer,
    eventId: f.eventId,
    text: f.data.message,
    ...(f.data.inReplyTo !== undefined ? { inReplyTo: f.data.inReplyTo } : {}),
    ...(f.data.sentiment !== undefined ? { sentiment: f.data.sentiment } : {}),
    ...(f.data.confirmsAccount !== undefined ? { confirmsAccount: f.data.confirmsAccount } : {}),
  });
  if (f.data.newMatter !== undefined) {
    // About the new matter, not this complaint: nothing here moves (no reopening, no clock resumed).
    openNewMatter(complaint, now, actor, complaint.conversation.reply(f.eventId)!, f.data.newMatter);
    return;
  }
  if (f.data.confirmsAccount !== undefined && complaint.awaitingAccountConfirmation()) {
    if (f.data.confirmsAccount) {
      confirmListening(complaint, now, actor, `confirmed by the customer's reply ${f.eventId}`);
    } else {
      complaint.record(now, actor, 'account-corrected', 'the customer says the account is not right: record it again', [
        'account to correct',
      ]);
      complaint.setWaiting(now, false);
    }
    return;
  }
  if (complaint.stage === 'follow-up' || complaint.stage === 'resolved') {
    if (complaint.options.replyAfterFinal?.()) {
      replyAfterFinal(complaint, now, actor, f.data.sentiment);
      return;
    }
    if (f.data.sentiment !== 'satisfied') {
      reopen(complaint, now, actor, 'the customer replied after the final response');
      return;
    }
  }
  if (complaint.waitingOnCustomer) complaint.setWaiting(now, false);
}

export function onCustomerWithdrew(
  complaint: ComplaintCase,
  now: number,
  f: ExternalFact<InboundData<'customer.withdrew'>>,
): void {
  if (!OPEN_STAGES.includes(complaint.stage) || complaint.stage === 'resolved') {
    complaint.record(
      now,
      customerActor(f),
      'customer.withdrew',
      `ignored: the complaint is ${complaint.stage}`,
      undefined,
      f.eventId,
    );
    return;
  }
  doWithdraw(complaint, now, customerActor(f), f.data.reason ?? 'withdrawn by the customer');
  complaint.timeline[complaint.timeline.length - 1]!.eventId = f.eventId;
}

export function onRemedyFulfilled(
  complaint: ComplaintCase,
  now: number,
  f: ExternalFact<InboundData<'remedy.fulfilled'>>,
): void {
  const remedy = requestedRemedy(complaint, now, 'remedy.fulfilled', f);
  if (!remedy) return;
  remedy.status = 'fulfilled';
  complaint.stopClock(now, REMEDY_DUE_CLOCK);
  complaint.record(
    now,
    systemActor(f),
    'remedy.fulfilled',
    f.data.reference ? `reference ${f.data.reference}` : undefined,
    undefined,
    f.eventId,
  );
  complaint.lifecycle(now, 'complaint.remedy-fulfilled', `remedy-fulfilled:${remedy.remedyId}`, {
    remedyId: remedy.remedyId,
  });
  keepRescheduled(complaint, now, remedyPromiseId(remedy.remedyId), systemActor(f));
  complaint.applyPolicyEvent(now, 'remedy-fulfilled');
}

export function onRemedyFailed(
  complaint: ComplaintCase,
  now: number,
  f: ExternalFact<InboundData<'remedy.failed'>>,
): void {
  const remedy = requestedRemedy(complaint, now, 'remedy.failed', f);
  if (!remedy) return;
  remedy.status = 'failed';
  remedy.failureReason = f.data.reason;
  complaint.stopClock(now, REMEDY_DUE_CLOCK);
  // Back to the agent: the stage stays `remedy`, and a new remedy can be proposed.
  complaint.record(
    now,
    systemActor(f),
    'remedy.failed',
    f.data.reason,
    ['remedy failed: back to the agent'],
    f.eventId,
  );
  complaint.lifecycle(now, 'complaint.remedy-failed', `remedy-failed:${remedy.remedyId}`, {
    remedyId: remedy.remedyId,
    reason: f.data.reason,
  });
  complaint.alertSupervisor('remedy failed', f.data.reason);
}

/**
 * The remedy a fulfilment fact is about, if it is the one awaiting fulfilment; otherwise the fact is
 * put on the timeline as ignored (a stale or misaddressed event must not change a settled remedy).
 */
function requestedRemedy(
  complaint: ComplaintCase,
  now: number,
  action: string,
  f: ExternalFact<{ remedyId: string }>,
): Remedy | undefined {
  const remedy = complaint.remedy;
  if (remedy && remedy.remedyId === f.data.remedyId && remedy.status === 'requested') return remedy;
  complaint.record(
    now,
    systemActor(f),
    action,
    `ignored: remedy ${f.data.remedyId} is not the one requested`,
    ['unexpected remedy event'],
    f.eventId,
  );
  return undefined;
}

export function onSurveyResponded(
  complaint: ComplaintCase,
  now: number,
  f: ExternalFact<InboundData<'survey.responded'>>,
): void {
  const actor = customerActor(f);
  if (!f.data.confirmed) {
    // A link opened by a mail scanner is not an answer: only a confirmed submission counts.
    complaint.record(
      now,
      actor,
      'survey.responded',
      'not confirmed by the customer: not counted',
      undefined,
      f.eventId,
    );
    return;
  }
  // A confirmed answer is the customer's word, counted or not: it belongs in the conversation.
  complaint.conversation.add({
    kind: 'survey',
    direction: 'in',
    at: new Date(now).toISOString(),
    author: complaint.customer,
    eventId: f.eventId,
    score: f.data.score,
    ...(f.data.comment !== undefined ? { text: f.data.comment } : {}),
  });
  if (complaint.stage !== 'follow-up' || complaint.scheduled.surveyWindowEndsAt === undefined) {
    complaint.record(
      now,
      actor,
      'survey.responded',
      `ignored: no survey is open (stage ${complaint.stage})`,
      undefined,
      f.eventId,
    );
    return;
  }
  complaint.csat = f.data.score;
  complaint.scheduled.surveyWindowEndsAt = undefined;
  complaint.record(
    now,
    actor,
    'survey.responded',
    `score ${f.data.score} of ${complaint.policy.followUp.scale}`,
    undefined,
    f.eventId,
  );
  complaint.applyPolicyEvent(now, 'survey-responded');
  if (scoreReopens(complaint.policy, f.data.score)) {
    const why = `satisfaction score ${f.data.score} of ${complaint.policy.followUp.scale}`;
    if (complaint.options.replyAfterFinal?.()) lowScoreAfterFinal(complaint, now, actor, why);
    else reopen(complaint, now, actor, why);
  } else {
    resolveCase(complaint, now);
  }
}

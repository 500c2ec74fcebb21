import type { Actor } from '../domain/actor';
import type { ComplaintCase } from './case';
import { reopen, resolveCase } from './case-lifecycle';

/**
 * What the customer's word after the final response does (issue 15). The patch gating it: histories
 * recorded before reopened on any reply not marked satisfied, and replay as they ran.
 */
export const REPLY_AFTER_FINAL_PATCH = 'redress-reply-after-final';

/** How long after a final response the customer may refer to the ombudsman (DISP 2.8.2R(1)): six months. */
const REFERRAL_MONTHS = 6;

/**
 * A reply after the final response. Only a dissatisfied one acts: under a regime whose final response is
 * the firm's last word (`afterFinalResponse: signpost-ombudsman`, the FCA's), the customer is told how to
 * refer to the ombudsman and by when, and the complaint is not reopened (a second "final response" would
 * start a second six months); elsewhere it reopens. A reply read as neutral, or not read at all, is
 * flagged for a person to read, and reopens nothing.
 */
export function replyAfterFinal(
  complaint: ComplaintCase,
  now: number,
  actor: Actor,
  sentiment: 'satisfied' | 'neutral' | 'dissatisfied' | undefined,
): void {
  if (sentiment === 'satisfied') return;
  if (sentiment !== 'dissatisfied') {
    const flag = 'a reply after the final response: read it (a new matter is a new complaint)';
    if (complaint.flags.includes(flag)) complaint.record(now, actor, 'reply-after-final', flag, [flag]);
    else complaint.flag(now, flag);
    return;
  }
  if (complaint.policy.afterFinalResponse === 'signpost-ombudsman') {
    signpostOmbudsman(complaint, now, actor, 'the customer replied dissatisfied after the final response');
    return;
  }
  reopen(complaint, now, actor, 'the customer replied dissatisfied after the final response');
}

/**
 * A survey score at or below the policy's reopening threshold: reopens, or under a regime whose final
 * response is its last word, signposts the ombudsman and resolves with the score measured.
 */
export function lowScoreAfterFinal(complaint: ComplaintCase, now: number, actor: Actor, why: string): void {
  if (complaint.policy.afterFinalResponse === 'signpost-ombudsman') {
    signpostOmbudsman(complaint, now, actor, why);
    resolveCase(complaint, now);
    return;
  }
  reopen(complaint, now, actor, why);
}

function signpostOmbudsman(complaint: ComplaintCase, now: number, actor: Actor, why: string): void {
  const finalAt = complaint.finalResponseAt ?? now;
  const referBy = new Date(finalAt);
  referBy.setUTCMonth(referBy.getUTCMonth() + REFERRAL_MONTHS);
  complaint.record(now, actor, 'ombudsman-signposted', why);
  complaint.notify(
    now,
    'ombudsman-signpost',
    complaint.repeatable('ombudsman-signpost', `signpost:c${complaint.cycle}`),
    {
      finalResponseAt: new Date(finalAt).toISOString(),
      referBy: referBy.toISOString(),
    },
  );
  complaint.alertSupervisor('dissatisfied after the final response', why);
}

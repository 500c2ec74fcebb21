import { onPromiseClockBreached, runDueCommitments } from './case-commitments';
import { SYSTEM_ACTOR, type Actor } from '../domain/actor';
import { dueEvents, markFired, nextDueEvent, toEpochMs, type ClockEvent } from '../domain/clock';
import { clockSpec, clocksStartingOn } from '../domain/policy/plan';
import type { BreachAction } from '../domain/policy/vocabulary';
import type { ComplaintCase } from './case';
import { climbLadder } from './case-ladder';
import { promisedResponseDeadline, runDueProgressUpdate } from './case-progress';

/**
 * A complaint's life over time: intake, the timers (clock warnings and breaches, the survey, the
 * survey and reopen windows), resolution, closing and reopening. Functions of the case, called by its
 * façade (`open`, `nextWakeAt`, `runDue`) and by the facts that resolve or reopen it.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** Intake: start the policy's clocks at receipt, publish opened, acknowledge stating the deadlines. */
export function openCase(complaint: ComplaintCase, now: number): void {
  const details = complaint.input.complaint;
  complaint.record(
    now,
    SYSTEM_ACTOR,
    'received',
    `submitted by ${complaint.input.openedBy.source}; regime ${complaint.policy.id} v${complaint.policy.version}, region ${complaint.assessment.region}, severity ${complaint.assessment.severity}`,
    undefined,
    complaint.input.openedBy.eventId,
  );
  if (complaint.assessment.repeatOf.length > 0) {
    complaint.flag(
      now,
      `repeat complaint: the customer has other open or recent complaints (${complaint.assessment.repeatOf.join(', ')})`,
    );
  }
  const referredAt = details.referral ? Date.parse(details.referral.sentAt) : undefined;
  for (const clock of clocksStartingOn(complaint.policy, 'received')) {
    const from = clock.startsFrom === 'referral-sent' && referredAt !== undefined ? referredAt : complaint.receivedAt;
    complaint.start(clockSpec(complaint.policy, clock), from);
  }
  complaint.lifecycle(now, 'complaint.opened', 'opened', {
    category: details.category,
    channel: details.channel,
    severity: complaint.assessment.severity,
    regime: complaint.policy.id,
    policyVersion: complaint.policy.version,
    receivedAt: details.receivedAt,
    repeatOf: complaint.assessment.repeatOf,
    ...(complaint.input.linkedFrom ? { linkedFrom: complaint.input.linkedFrom } : {}),
  });
  const deadlines = Object.fromEntries(Object.values(complaint.clocks).map((s) => [s.clock, s.deadline]));
  complaint.notify(now, 'acknowledgement', 'acknowledgement', {
    firstResponseDeadline: deadlines['first-response'] ?? 'soon',
    finalResponseDeadline: promisedResponseDeadline(complaint),
  });
  complaint.applyPolicyEvent(now, 'acknowledged');
  complaint.setStage(now, 'acknowledged', SYSTEM_ACTOR);
  complaint.lifecycle(now, 'complaint.acknowledged', 'acknowledged', { deadlines });
}

/** The next instant the workflow must wake for: a clock's warning or breach, or a scheduled step. */
export function nextWakeAt(complaint: ComplaintCase): number | undefined {
  const times = [
    ...Object.values(complaint.clocks).map((s) => nextDueEvent(s)?.at),
    ...Object.values(complaint.scheduled).map((t) => (t === undefined ? undefined : iso(t))),
    ...complaint.commitments.filter((c) => c.status === 'open').map((c) => c.dueAt),
  ]
    .filter((t): t is string => t !== undefined)
    .map((t) => toEpochMs(t));
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** Fires everything due at `now`: clock warnings and breaches (late ones too), then scheduled steps. */
export function runDue(complaint: ComplaintCase, now: number): void {
  for (const name of Object.keys(complaint.clocks)) {
    for (const event of dueEvents(complaint.clocks[name]!, now)) {
      complaint.clocks[name] = markFired(complaint.clocks[name]!, event);
      fireClockEvent(complaint, now, event);
    }
  }
  runDueCommitments(complaint, now);
  runDueProgressUpdate(complaint, now);
  const s = complaint.scheduled;
  if (s.surveyAt !== undefined && s.surveyAt <= now) sendSurvey(complaint, now);
  if (s.surveyWindowEndsAt !== undefined && s.surveyWindowEndsAt <= now) {
    s.surveyWindowEndsAt = undefined;
    complaint.record(now, SYSTEM_ACTOR, 'survey-window-closed', 'no confirmed answer: resolved without feedback');
    resolveCase(complaint, now);
  }
  if (s.reopenWindowEndsAt !== undefined && s.reopenWindowEndsAt <= now) {
    s.reopenWindowEndsAt = undefined;
    complaint.applyPolicyEvent(now, 'closed');
    complaint.setStage(now, 'closed', SYSTEM_ACTOR);
    complaint.lifecycle(now, 'complaint.closed', 'closed', {
      outcome: complaint.outcome ?? null,
      csat: complaint.csat ?? null,
      reopenCount: complaint.reopenCount,
    });
  }
}

export function fireClockEvent(complaint: ComplaintCase, now: number, event: ClockEvent): void {
  const kind = complaint.clockKind(event.clock);
  const deadline = complaint.clocks[event.clock]?.deadline;
  const extensions = complaint.clocks[event.clock]?.extensions.length ?? 0;
  // Legacy ids named the complaint's cycle, which a second remedy's due clock shares with the first.
  const cycle =
    complaint.options.ids === 'legacy'
      ? `c${complaint.cycle}:x${extensions}`
      : `r${complaint.occurrences[`clock:${event.clock}`] ?? 1}:x${extensions}`;
  if (event.type === 'warning') {
    if (kind === 'window') return;
    complaint.record(
      now,
      SYSTEM_ACTOR,
      'deadline-warning',
      `${event.clock} at ${Math.round(event.fraction * 100)}%${event.late ? ' (fired late: its instant passed during a pause)' : ''}`,
    );
    complaint.lifecycle(now, 'complaint.deadline-warning', `warning:${event.clock}:${cycle}:${event.fraction}`, {
      clock: event.clock,
      fraction: event.fraction,
      deadline,
      late: event.late,
    });
    climbLadder(complaint, now, event, cycle, deadline);
    return;
  }
  if (kind === 'window') {
    complaint.record(now, SYSTEM_ACTOR, 'window-closed', `${event.clock}: this route is no longer open`);
    return;
  }
  complaint.breaches.push({ clock: event.clock, at: iso(now) });
  complaint.record(now, SYSTEM_ACTOR, 'deadline-breached', `${event.clock} missed its deadline ${deadline ?? ''}`);
  const actions: readonly BreachAction[] = complaint.policyClock(event.clock)?.breach ?? [
    'escalate',
    'notify-supervisor',
    'publish-breach',
  ];
  if (actions.includes('publish-breach')) {
    complaint.lifecycle(now, 'complaint.deadline-breached', `breached:${event.clock}:${cycle}`, {
      clock: event.clock,
      deadline,
    });
  }
  if (actions.includes('escalate')) complaint.escalate(now, SYSTEM_ACTOR, `${event.clock} deadline breached`);
  if (actions.includes('notify-supervisor'))
    complaint.alertSupervisor(`${event.clock} deadline breached`, `deadline was ${deadline ?? ''}`);
  climbLadder(complaint, now, event, cycle, deadline);
  onPromiseClockBreached(complaint, now, event.clock, actions);
}

export function sendSurvey(complaint: ComplaintCase, now: number): void {
  complaint.scheduled.surveyAt = undefined;
  complaint.notify(now, 'survey', `survey:c${complaint.cycle}`, {
    surveyLink: `https://feedback.example/complaints/${encodeURIComponent(complaint.complaintId)}/c${complaint.cycle}`,
  });
  complaint.record(now, SYSTEM_ACTOR, 'survey-sent');
  complaint.lifecycle(now, 'complaint.followup-sent', `followup:c${complaint.cycle}`, {});
  complaint.applyPolicyEvent(now, 'followup-sent');
  complaint.scheduled.surveyWindowEndsAt = complaint.after(now, complaint.policy.followUp.surveyWindow);
}

export function resolveCase(complaint: ComplaintCase, now: number): void {
  complaint.applyPolicyEvent(now, 'resolved');
  complaint.setStage(now, 'resolved', SYSTEM_ACTOR);
  complaint.lifecycle(now, 'complaint.resolved', `resolved:c${complaint.cycle}`, {
    outcome: complaint.outcome ?? null,
    csat: complaint.csat ?? null,
  });
  complaint.scheduled.reopenWindowEndsAt = complaint.after(now, complaint.policy.reopenWindow);
}

export function reopen(complaint: ComplaintCase, now: number, actor: Actor, reason: string): void {
  complaint.reopenCount += 1;
  complaint.cycle += 1;
  complaint.scheduled = {};
  complaint.listeningDone = false;
  complaint.accountAwaitingConfirmation = false;
  complaint.outcome = undefined;
  complaint.cause = undefined;
  complaint.extended = false;
  complaint.faultAdmitted = false;
  complaint.finalResponseAt = undefined;
  complaint.applyPolicyEvent(now, 'reopened');
  // A new cycle of the policy's response clocks (not the acknowledgement, not one-off windows).
  for (const clock of complaint.policy.clocks) {
    if (clock.start === 'received' && clock.kind === 'deadline' && !clock.stop.includes('acknowledged')) {
      complaint.start(clockSpec(complaint.policy, clock), now);
    }
  }
  complaint.firstResponseAt = undefined;
  complaint.setStage(now, 'listening', actor);
  complaint.record(now, actor, 'reopened', reason);
  complaint.lifecycle(now, 'complaint.reopened', `reopened:${complaint.reopenCount}`, {
    reason,
    reopenCount: complaint.reopenCount,
  });
}

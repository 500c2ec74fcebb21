import { SYSTEM_ACTOR, type Actor } from '../domain/actor';
import { dueEvents, markFired, nextDueEvent, toEpochMs, type ClockEvent } from '../domain/clock';
import { clockSpec, clocksStartingOn } from '../domain/policy/plan';
import type { BreachAction } from '../domain/policy/vocabulary';
import type { ComplaintCase } from './case';

/**
 * A complaint's life over time: intake, the timers (clock warnings and breaches, the survey, the
 * survey and reopen windows), resolution, closing and reopening. Functions of the case, called by its
 * façade (`open`, `nextWakeAt`, `runDue`) and by the facts that resolve or reopen it.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** Intake: start the policy's clocks at receipt, publish opened, acknowledge stating the deadlines. */
export function openCase(k: ComplaintCase, now: number): void {
  const c = k.input.complaint;
  k.record(
    now,
    SYSTEM_ACTOR,
    'received',
    `submitted by ${k.input.openedBy.source}; regime ${k.policy.id} v${k.policy.version}, region ${k.assessment.region}, severity ${k.assessment.severity}`,
    undefined,
    k.input.openedBy.eventId,
  );
  if (k.assessment.repeatOf.length > 0) {
    k.flag(
      now,
      `repeat complaint: the customer has other open or recent complaints (${k.assessment.repeatOf.join(', ')})`,
    );
  }
  for (const clock of clocksStartingOn(k.policy, 'received')) k.start(clockSpec(k.policy, clock), k.receivedAt);
  k.lifecycle(now, 'complaint.opened', 'opened', {
    category: c.category,
    channel: c.channel,
    severity: k.assessment.severity,
    regime: k.policy.id,
    policyVersion: k.policy.version,
    receivedAt: c.receivedAt,
    repeatOf: k.assessment.repeatOf,
  });
  const deadlines = Object.fromEntries(Object.values(k.clocks).map((s) => [s.clock, s.deadline]));
  k.notify('acknowledgement', 'acknowledgement', {
    firstResponseDeadline: deadlines['first-response'] ?? 'soon',
    finalResponseDeadline: deadlines['final-response'] ?? deadlines['response'] ?? 'soon',
  });
  k.applyPolicyEvent(now, 'acknowledged');
  k.setStage(now, 'acknowledged', SYSTEM_ACTOR);
  k.lifecycle(now, 'complaint.acknowledged', 'acknowledged', { deadlines });
}

/** The next instant the workflow must wake for: a clock's warning or breach, or a scheduled step. */
export function nextWakeAt(k: ComplaintCase): number | undefined {
  const times = [
    ...Object.values(k.clocks).map((s) => nextDueEvent(s)?.at),
    ...Object.values(k.scheduled).map((t) => (t === undefined ? undefined : iso(t))),
  ]
    .filter((t): t is string => t !== undefined)
    .map((t) => toEpochMs(t));
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** Fires everything due at `now`: clock warnings and breaches (late ones too), then scheduled steps. */
export function runDue(k: ComplaintCase, now: number): void {
  for (const name of Object.keys(k.clocks)) {
    for (const event of dueEvents(k.clocks[name]!, now)) {
      k.clocks[name] = markFired(k.clocks[name]!, event);
      fireClockEvent(k, now, event);
    }
  }
  const s = k.scheduled;
  if (s.surveyAt !== undefined && s.surveyAt <= now) sendSurvey(k, now);
  if (s.surveyWindowEndsAt !== undefined && s.surveyWindowEndsAt <= now) {
    s.surveyWindowEndsAt = undefined;
    k.record(now, SYSTEM_ACTOR, 'survey-window-closed', 'no confirmed answer: resolved without feedback');
    resolveCase(k, now);
  }
  if (s.reopenWindowEndsAt !== undefined && s.reopenWindowEndsAt <= now) {
    s.reopenWindowEndsAt = undefined;
    k.applyPolicyEvent(now, 'closed');
    k.setStage(now, 'closed', SYSTEM_ACTOR);
    k.lifecycle(now, 'complaint.closed', 'closed', {
      outcome: k.outcome ?? null,
      csat: k.csat ?? null,
      reopenCount: k.reopenCount,
    });
  }
}

export function fireClockEvent(k: ComplaintCase, now: number, event: ClockEvent): void {
  const kind = k.clockKind(event.clock);
  const deadline = k.clocks[event.clock]?.deadline;
  const extensions = k.clocks[event.clock]?.extensions.length ?? 0;
  // Legacy ids named the complaint's cycle, which a second remedy's due clock shares with the first.
  const cycle =
    k.options.ids === 'legacy'
      ? `c${k.cycle}:x${extensions}`
      : `r${k.occurrences[`clock:${event.clock}`] ?? 1}:x${extensions}`;
  if (event.type === 'warning') {
    if (kind === 'window') return;
    k.record(
      now,
      SYSTEM_ACTOR,
      'deadline-warning',
      `${event.clock} at ${Math.round(event.fraction * 100)}%${event.late ? ' (fired late: its instant passed during a pause)' : ''}`,
    );
    k.lifecycle(now, 'complaint.deadline-warning', `warning:${event.clock}:${cycle}:${event.fraction}`, {
      clock: event.clock,
      fraction: event.fraction,
      deadline,
      late: event.late,
    });
    return;
  }
  if (kind === 'window') {
    k.record(now, SYSTEM_ACTOR, 'window-closed', `${event.clock}: this route is no longer open`);
    return;
  }
  k.breaches.push({ clock: event.clock, at: iso(now) });
  k.record(now, SYSTEM_ACTOR, 'deadline-breached', `${event.clock} missed its deadline ${deadline ?? ''}`);
  const actions: readonly BreachAction[] = k.policyClock(event.clock)?.breach ?? [
    'escalate',
    'notify-supervisor',
    'publish-breach',
  ];
  if (actions.includes('publish-breach')) {
    k.lifecycle(now, 'complaint.deadline-breached', `breached:${event.clock}:${cycle}`, {
      clock: event.clock,
      deadline,
    });
  }
  if (actions.includes('escalate')) k.escalate(now, SYSTEM_ACTOR, `${event.clock} deadline breached`);
  if (actions.includes('notify-supervisor'))
    k.alertSupervisor(`${event.clock} deadline breached`, `deadline was ${deadline ?? ''}`);
}

export function sendSurvey(k: ComplaintCase, now: number): void {
  k.scheduled.surveyAt = undefined;
  k.notify('survey', `survey:c${k.cycle}`, {
    surveyLink: `https://feedback.example/complaints/${encodeURIComponent(k.complaintId)}/c${k.cycle}`,
  });
  k.record(now, SYSTEM_ACTOR, 'survey-sent');
  k.lifecycle(now, 'complaint.followup-sent', `followup:c${k.cycle}`, {});
  k.applyPolicyEvent(now, 'followup-sent');
  k.scheduled.surveyWindowEndsAt = k.after(now, k.policy.followUp.surveyWindow);
}

export function resolveCase(k: ComplaintCase, now: number): void {
  k.applyPolicyEvent(now, 'resolved');
  k.setStage(now, 'resolved', SYSTEM_ACTOR);
  k.lifecycle(now, 'complaint.resolved', `resolved:c${k.cycle}`, {
    outcome: k.outcome ?? null,
    csat: k.csat ?? null,
  });
  k.scheduled.reopenWindowEndsAt = k.after(now, k.policy.reopenWindow);
}

export function reopen(k: ComplaintCase, now: number, actor: Actor, reason: string): void {
  k.reopenCount += 1;
  k.cycle += 1;
  k.scheduled = {};
  k.listeningDone = false;
  k.outcome = undefined;
  k.cause = undefined;
  k.extended = false;
  k.finalResponseAt = undefined;
  k.applyPolicyEvent(now, 'reopened');
  // A new cycle of the policy's response clocks (not the acknowledgement, not one-off windows).
  for (const clock of k.policy.clocks) {
    if (clock.start === 'received' && clock.kind === 'deadline' && !clock.stop.includes('acknowledged')) {
      k.start(clockSpec(k.policy, clock), now);
    }
  }
  k.firstResponseAt = undefined;
  k.setStage(now, 'listening', actor);
  k.record(now, actor, 'reopened', reason);
  k.lifecycle(now, 'complaint.reopened', `reopened:${k.reopenCount}`, {
    reason,
    reopenCount: k.reopenCount,
  });
}

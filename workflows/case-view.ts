import { timeLeft, toEpochMs } from '../domain/clock';
import type { ComplaintView } from '../domain/complaint-view';
import type { ComplaintCase } from './case';
import type { ClockStatus, ComplaintStatus } from './messages';

/** How a complaint looks from outside: the status query, and the record view lists are built from. */

const iso = (ms: number) => new Date(ms).toISOString();

export function statusOf(k: ComplaintCase, now: number): ComplaintStatus {
  const c = k.input.complaint;
  const clocks: ClockStatus[] = Object.values(k.clocks).map((s) => {
    const left = timeLeft(s, now, k.assessment.snapshot);
    return {
      clock: s.clock,
      kind: k.clockKind(s.clock),
      status: s.status,
      deadline: s.deadline,
      timeLeftMs: toEpochMs(s.deadline) - now,
      remaining: left.remaining,
      unit: s.unit,
      target: s.target,
      warningsFired: s.warnings.filter((w) => w.fired).map((w) => w.fraction),
      breached: s.breach.fired && k.clockKind(s.clock) === 'deadline',
      ...(s.stoppedAt ? { stoppedAt: s.stoppedAt } : {}),
      ...(s.outcome ? { met: s.outcome.met } : {}),
    };
  });
  const next = nextDeadlineOf(k);
  return {
    complaintId: k.complaintId,
    stage: k.stage,
    regime: k.policy.id,
    policyVersion: k.policy.version,
    region: k.assessment.region,
    severity: k.assessment.severity,
    category: c.category,
    channel: c.channel,
    customerId: c.customer.id,
    ...(k.assignee ? { assignee: k.assignee } : {}),
    escalated: k.escalated,
    breached: k.breaches.length > 0,
    breaches: [...k.breaches],
    clocks,
    ...(next !== undefined ? { nextDeadline: iso(next) } : {}),
    waitingOnCustomer: k.waitingOnCustomer,
    ...(k.remedy ? { remedy: { ...k.remedy } } : {}),
    ...(k.outcome ? { outcome: k.outcome } : {}),
    ...(k.csat !== undefined ? { csat: k.csat } : {}),
    reopenCount: k.reopenCount,
    repeatOf: [...k.assessment.repeatOf],
    flags: [...k.flags],
    receivedAt: iso(k.receivedAt),
    ...(k.firstResponseAt !== undefined ? { firstResponseAt: iso(k.firstResponseAt) } : {}),
    ...(k.finalResponseAt !== undefined ? { finalResponseAt: iso(k.finalResponseAt) } : {}),
  };
}

/** The record view (domain/complaint-view): what lists, queues and reports filter on; no personal data. */
export function viewOf(k: ComplaintCase): Omit<ComplaintView, 'revision'> {
  const c = k.input.complaint;
  const next = nextDeadlineOf(k);
  const r = k.remedy;
  return {
    stage: k.stage,
    regime: k.policy.id,
    policyVersion: k.policy.version,
    region: k.assessment.region,
    severity: k.assessment.severity,
    category: c.category,
    product: c.product ?? null,
    channel: c.channel,
    customerId: c.customer.id,
    assignee: k.assignee ?? null,
    escalated: k.escalated,
    breached: k.breaches.length > 0,
    breaches: [...k.breaches],
    nextDeadline: next === undefined ? null : iso(next),
    clocks: Object.values(k.clocks).map((s) => ({
      clock: s.clock,
      kind: k.clockKind(s.clock),
      status: s.status,
      deadline: s.deadline,
      breached: s.breach.fired && k.clockKind(s.clock) === 'deadline',
      met: s.outcome ? s.outcome.met : null,
    })),
    waitingOnCustomer: k.waitingOnCustomer,
    remedy: r
      ? {
          remedyId: r.remedyId,
          kind: r.kind,
          status: r.status,
          amount: r.amount ?? null,
          currency: r.currency ?? null,
          dueBy: r.dueBy ?? null,
          needsApproval: r.needsApproval,
        }
      : null,
    outcome: k.outcome ?? null,
    cause: k.cause ?? null,
    csat: k.csat ?? null,
    reopenCount: k.reopenCount,
    repeatOf: [...k.assessment.repeatOf],
    flagCount: k.flags.length,
    receivedAt: iso(k.receivedAt),
    firstResponseAt: k.firstResponseAt === undefined ? null : iso(k.firstResponseAt),
    finalResponseAt: k.finalResponseAt === undefined ? null : iso(k.finalResponseAt),
  };
}

/** The earliest deadline of a running (not breached) deadline clock: what "at risk" sorts by. */
export function nextDeadlineOf(k: ComplaintCase): number | undefined {
  const deadlines = Object.values(k.clocks)
    .filter((s) => s.status === 'running' && !s.breach.fired && k.clockKind(s.clock) === 'deadline')
    .map((s) => toEpochMs(s.deadline));
  return deadlines.length > 0 ? Math.min(...deadlines) : undefined;
}

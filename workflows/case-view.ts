import { commitmentsOf } from './case-commitments';
import { timeLeft, toEpochMs } from '../domain/clock';
import type { ComplaintView } from '../domain/complaint-view';
import type { ComplaintCase } from './case';
import { heldDraftsInView } from './case-drafts';
import { vulnerabilityOf } from './case-vulnerability';
import type { ClockStatus, ComplaintStatus } from './messages';

/** How a complaint looks from outside: the status query, and the record view lists are built from. */

const iso = (ms: number) => new Date(ms).toISOString();

export function statusOf(complaint: ComplaintCase, now: number): ComplaintStatus {
  const details = complaint.input.complaint;
  const clocks: ClockStatus[] = Object.values(complaint.clocks).map((s) => {
    const left = timeLeft(s, now, complaint.assessment.snapshot);
    return {
      clock: s.clock,
      kind: complaint.clockKind(s.clock),
      status: s.status,
      deadline: s.deadline,
      timeLeftMs: toEpochMs(s.deadline) - now,
      remaining: left.remaining,
      unit: s.unit,
      target: s.target,
      warningsFired: s.warnings.filter((w) => w.fired).map((w) => w.fraction),
      breached: s.breach.fired && complaint.clockKind(s.clock) === 'deadline',
      ...(s.stoppedAt ? { stoppedAt: s.stoppedAt } : {}),
      ...(s.outcome ? { met: s.outcome.met } : {}),
    };
  });
  const next = nextDeadlineOf(complaint);
  const vulnerability = vulnerabilityOf(complaint);
  return {
    complaintId: complaint.complaintId,
    stage: complaint.stage,
    regime: complaint.policy.id,
    policyVersion: complaint.policy.version,
    region: complaint.assessment.region,
    severity: complaint.assessment.severity,
    category: details.category,
    channel: details.channel,
    customerId: details.customer.id,
    ...(complaint.assignee ? { assignee: complaint.assignee } : {}),
    escalated: complaint.escalated,
    breached: complaint.breaches.length > 0,
    breaches: [...complaint.breaches],
    clocks,
    ...(next !== undefined ? { nextDeadline: iso(next) } : {}),
    waitingOnCustomer: complaint.waitingOnCustomer,
    ...(complaint.remedy
      ? {
          remedy: {
            ...complaint.remedy,
            ...(details.desiredOutcome !== undefined ? { desiredOutcome: details.desiredOutcome } : {}),
          },
        }
      : {}),
    commitments: commitmentsOf(complaint),
    ...(complaint.outcome ? { outcome: complaint.outcome } : {}),
    ...(complaint.csat !== undefined ? { csat: complaint.csat } : {}),
    reopenCount: complaint.reopenCount,
    repeatOf: [...complaint.assessment.repeatOf],
    ...linksOf(complaint),
    flags: [...complaint.flags],
    receivedAt: iso(complaint.receivedAt),
    ...(complaint.firstResponseAt !== undefined ? { firstResponseAt: iso(complaint.firstResponseAt) } : {}),
    ...(complaint.finalResponseAt !== undefined ? { finalResponseAt: iso(complaint.finalResponseAt) } : {}),
    ...(vulnerability ? { vulnerability } : {}),
    ...(complaint.drafts.held.length > 0 ? { heldDrafts: complaint.drafts.held.map((d) => ({ ...d })) } : {}),
  };
}

/** The record view (domain/complaint-view): what lists, queues and reports filter on; no personal data. */
export function viewOf(complaint: ComplaintCase): Omit<ComplaintView, 'revision'> {
  const details = complaint.input.complaint;
  const next = nextDeadlineOf(complaint);
  const r = complaint.remedy;
  return {
    stage: complaint.stage,
    regime: complaint.policy.id,
    policyVersion: complaint.policy.version,
    region: complaint.assessment.region,
    severity: complaint.assessment.severity,
    category: details.category,
    product: details.product ?? null,
    channel: details.channel,
    customerId: details.customer.id,
    assignee: complaint.assignee ?? null,
    escalated: complaint.escalated,
    breached: complaint.breaches.length > 0,
    breaches: [...complaint.breaches],
    nextDeadline: next === undefined ? null : iso(next),
    clocks: Object.values(complaint.clocks).map((s) => ({
      clock: s.clock,
      kind: complaint.clockKind(s.clock),
      status: s.status,
      deadline: s.deadline,
      breached: s.breach.fired && complaint.clockKind(s.clock) === 'deadline',
      met: s.outcome ? s.outcome.met : null,
    })),
    waitingOnCustomer: complaint.waitingOnCustomer,
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
    outcome: complaint.outcome ?? null,
    cause: complaint.cause ?? null,
    csat: complaint.csat ?? null,
    ...(complaint.input.searchTokens ? { searchTokens: [...complaint.input.searchTokens] } : {}),
    reopenCount: complaint.reopenCount,
    repeatOf: [...complaint.assessment.repeatOf],
    ...linksOf(complaint),
    flagCount: complaint.flags.length,
    receivedAt: iso(complaint.receivedAt),
    firstResponseAt: complaint.firstResponseAt === undefined ? null : iso(complaint.firstResponseAt),
    finalResponseAt: complaint.finalResponseAt === undefined ? null : iso(complaint.finalResponseAt),
    // The flag only: the drivers and needs are the customer's personal circumstances (domain/vulnerability.ts).
    vulnerable: vulnerabilityOf(complaint)?.vulnerable ?? false,
    ...heldDraftsInView(complaint.drafts),
  };
}

/** The links of a complaint and new matters its replies raised, both ways (case-linked.ts); none: no fields. */
function linksOf(complaint: ComplaintCase): { linkedFrom?: string; relatedTo?: string[] } {
  const from = complaint.input.linkedFrom;
  return {
    ...(from ? { linkedFrom: from.complaintId } : {}),
    ...(complaint.relatedTo.length > 0 ? { relatedTo: [...complaint.relatedTo] } : {}),
  };
}

/** The earliest deadline of a running (not breached) deadline clock: what "at risk" sorts by. */
export function nextDeadlineOf(complaint: ComplaintCase): number | undefined {
  const deadlines = Object.values(complaint.clocks)
    .filter((s) => s.status === 'running' && !s.breach.fired && complaint.clockKind(s.clock) === 'deadline')
    .map((s) => toEpochMs(s.deadline));
  return deadlines.length > 0 ? Math.min(...deadlines) : undefined;
}

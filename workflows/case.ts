import type { Assessment, PublishBatch, PublishFailure, RemedyRequest } from '../activities';
import { COMPLAINT_UPDATED, type ComplaintView } from '../domain/complaint-view';
import type { NotificationKind, NotificationRequest } from '../activities/notifications';
import type { Actor } from '../domain/actor';
import { SYSTEM_ACTOR } from '../domain/actor';
import type { LifecycleEventType, OutboundEvent } from '../domain/events';
import { publishedEventId } from '../domain/ids';
import {
  addDuration,
  dueEvents,
  extendClock,
  markFired,
  nextDueEvent,
  pauseClock,
  resumeClock,
  startClock,
  stopClock,
  timeLeft,
  toEpochMs,
  type ClockEvent,
  type ClockSpec,
  type ClockState,
  type Duration,
} from '../domain/clock';
import { needsSupervisorApproval, scoreReopens } from '../domain/policy/content';
import { clockSpec, clocksStartingOn, clocksStoppedBy } from '../domain/policy/plan';
import type { Policy, PolicyClock } from '../domain/policy/schema';
import type { BreachAction, LifecycleEvent } from '../domain/policy/vocabulary';
import { respectCheck } from '../domain/respect-check';
import { canMove, OPEN_STAGES } from '../domain/stages';
import type {
  ApologiseInput,
  AskQuestionInput,
  AssignInput,
  ClockStatus,
  ComplaintInput,
  ComplaintStatus,
  DecideRemedyInput,
  EscalateInput,
  ExtendInput,
  ExternalFact,
  ProposeRemedyInput,
  RecordAccountInput,
  Remedy,
  ResolveInput,
  SkipApologyInput,
  Stage,
  TimelineEntry,
} from './messages';
import type { InboundData } from '../domain/events';

/**
 * One complaint's state and every rule of its lifecycle (DESIGN §2–§3), free of the Temporal SDK so the
 * rules read as plain code: `check*` methods refuse a wrong action with a reason (update validators),
 * `do*` methods change state and queue what must be published. The workflow (complaint.ts) wires them to
 * messages, timers and activities. Every instant comes from the caller (workflow time), never a clock.
 */

/** The state a case carries into a new run (continue-as-new): plain JSON. */
export interface CarriedCase {
  assessment: Assessment;
  receivedAt: number;
  state: {
    stage: Stage;
    clocks: Record<string, ClockState>;
    breaches: Array<{ clock: string; at: string }>;
    escalated: boolean;
    assignee?: string;
    waitingOnCustomer: boolean;
    listeningDone: boolean;
    remedy?: Remedy;
    remedyCount: number;
    outcome?: ComplaintStatus['outcome'];
    csat?: number;
    reopenCount: number;
    cycle: number;
    flags: string[];
    firstResponseAt?: number;
    finalResponseAt?: number;
    extended: boolean;
    scheduled: ComplaintCase['scheduled'];
    timeline: TimelineEntry[];
    timelineDropped: number;
    seen: string[];
    escalations: number;
    dueInDays?: number;
    alerts: number;
    occurrences: Record<string, number>;
    viewRevision: number;
    lastView: string;
  };
}

const REMEDY_DUE_CLOCK = 'remedy-due';
const DEFAULT_REMEDY_DAYS = 5;

const iso = (ms: number) => new Date(ms).toISOString();

/** How outbound ids are derived: `legacy` for complaints started before the outbox engine (see ids below). */
export type IdScheme = 'legacy' | 'occurrence';

/** Options of a case; the workflow passes the engine's. */
export interface CaseOptions {
  ids: IdScheme;
  /** Most timeline entries kept in state (older ones stay in earlier runs' histories); unbounded if absent. */
  timelineLimit?: number;
  /** Most event ids remembered for deduplication (oldest forgotten first); unbounded if absent. */
  seenLimit?: number;
}

export class ComplaintCase {
  stage: Stage = 'received';
  readonly policy: Policy;
  a: Assessment;
  clocks: Record<string, ClockState> = {};
  breaches: Array<{ clock: string; at: string }> = [];
  escalated = false;
  assignee?: string;
  waitingOnCustomer = false;
  listeningDone = false;
  remedy?: Remedy;
  remedyCount = 0;
  outcome?: ComplaintStatus['outcome'];
  csat?: number;
  reopenCount = 0;
  /** Bumped on every reopen, so the event ids of a new cycle never collide with the last one's. */
  cycle = 0;
  flags: string[] = [];
  firstResponseAt?: number;
  finalResponseAt?: number;
  extended = false;
  /** Things the workflow must do at an instant that are not policy clocks. */
  scheduled: { surveyAt?: number; surveyWindowEndsAt?: number; reopenWindowEndsAt?: number } = {};
  readonly timeline: TimelineEntry[] = [];
  /** Timeline entries no longer kept in state (see `timelineLimit`). */
  timelineDropped = 0;
  readonly seen = new Set<string>();
  private outbox: Required<PublishBatch> = { notifications: [], remedies: [], lifecycle: [] };
  private escalations = 0;
  /** The promised fulfilment time of the remedy awaiting approval. */
  private dueInDays?: number;
  private alerts = 0;
  /** How often each repeatable thing has happened: the occurrence numbers outbound ids are derived from. */
  private occurrences: Record<string, number> = {};
  private viewRevision = 0;
  private lastView = '';

  constructor(
    readonly input: ComplaintInput,
    assessment: Assessment,
    readonly receivedAt: number,
    readonly options: CaseOptions = { ids: 'legacy' },
  ) {
    this.a = assessment;
    this.policy = assessment.policy;
    this.seen.add(input.openedBy.eventId);
  }

  get complaintId(): string {
    return this.input.complaintId;
  }

  // ------------------------------------------------------------------ continue-as-new

  /** Everything the complaint needs to go on in a new run, as plain JSON (the outbox is carried apart). */
  carry(): CarriedCase {
    return {
      assessment: this.a,
      receivedAt: this.receivedAt,
      state: {
        stage: this.stage,
        clocks: this.clocks,
        breaches: this.breaches,
        escalated: this.escalated,
        ...(this.assignee !== undefined ? { assignee: this.assignee } : {}),
        waitingOnCustomer: this.waitingOnCustomer,
        listeningDone: this.listeningDone,
        ...(this.remedy ? { remedy: this.remedy } : {}),
        remedyCount: this.remedyCount,
        ...(this.outcome ? { outcome: this.outcome } : {}),
        ...(this.csat !== undefined ? { csat: this.csat } : {}),
        reopenCount: this.reopenCount,
        cycle: this.cycle,
        flags: this.flags,
        ...(this.firstResponseAt !== undefined ? { firstResponseAt: this.firstResponseAt } : {}),
        ...(this.finalResponseAt !== undefined ? { finalResponseAt: this.finalResponseAt } : {}),
        extended: this.extended,
        scheduled: this.scheduled,
        timeline: this.timeline,
        timelineDropped: this.timelineDropped,
        seen: [...this.seen],
        escalations: this.escalations,
        ...(this.dueInDays !== undefined ? { dueInDays: this.dueInDays } : {}),
        alerts: this.alerts,
        occurrences: this.occurrences,
        viewRevision: this.viewRevision,
        lastView: this.lastView,
      },
    };
  }

  /** The case as a previous run carried it (see `carry`). */
  static resume(input: ComplaintInput, carried: CarriedCase, options: CaseOptions): ComplaintCase {
    const k = new ComplaintCase(input, carried.assessment, carried.receivedAt, options);
    const { seen, timeline, ...state } = carried.state;
    Object.assign(k, state);
    k.seen.clear();
    for (const id of seen) k.seen.add(id);
    k.timeline.push(...timeline);
    return k;
  }

  /**
   * Uses a calendar snapshot covering a wider range (the workflow asks for one before the current one
   * runs out). Deadlines already computed stand: the calendar's days they relied on are the same.
   */
  useCalendar(snapshot: Assessment['snapshot']): void {
    this.a = { ...this.a, snapshot };
  }

  // ------------------------------------------------------------------ lifecycle

  /** Intake: start the policy's clocks at receipt, publish opened, acknowledge stating the deadlines. */
  open(now: number): void {
    const c = this.input.complaint;
    this.record(
      now,
      SYSTEM_ACTOR,
      'received',
      `submitted by ${this.input.openedBy.source}; regime ${this.policy.id} v${this.policy.version}, region ${this.a.region}, severity ${this.a.severity}`,
      undefined,
      this.input.openedBy.eventId,
    );
    if (this.a.repeatOf.length > 0) {
      this.flag(
        now,
        `repeat complaint: the customer has other open or recent complaints (${this.a.repeatOf.join(', ')})`,
      );
    }
    for (const clock of clocksStartingOn(this.policy, 'received')) this.start(clockSpec(this.policy, clock), this.receivedAt);
    this.lifecycle(now, 'complaint.opened', 'opened', {
      category: c.category,
      channel: c.channel,
      severity: this.a.severity,
      regime: this.policy.id,
      policyVersion: this.policy.version,
      receivedAt: c.receivedAt,
      repeatOf: this.a.repeatOf,
    });
    const deadlines = Object.fromEntries(Object.values(this.clocks).map((s) => [s.clock, s.deadline]));
    this.notify('acknowledgement', 'acknowledgement', {
      firstResponseDeadline: deadlines['first-response'] ?? 'soon',
      finalResponseDeadline: deadlines['final-response'] ?? deadlines['response'] ?? 'soon',
    });
    this.emit(now, 'acknowledged');
    this.setStage(now, 'acknowledged', SYSTEM_ACTOR);
    this.lifecycle(now, 'complaint.acknowledged', 'acknowledged', { deadlines });
  }

  isTerminal(): boolean {
    return this.stage === 'closed' || this.stage === 'withdrawn';
  }

  /** The next instant the workflow must wake for: a clock's warning or breach, or a scheduled step. */
  nextWakeAt(): number | undefined {
    const times = [
      ...Object.values(this.clocks).map((s) => nextDueEvent(s)?.at),
      ...Object.values(this.scheduled).map((t) => (t === undefined ? undefined : iso(t))),
    ]
      .filter((t): t is string => t !== undefined)
      .map((t) => toEpochMs(t));
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** Fires everything due at `now`: clock warnings and breaches (late ones too), then scheduled steps. */
  runDue(now: number): void {
    for (const name of Object.keys(this.clocks)) {
      for (const event of dueEvents(this.clocks[name]!, now)) {
        this.clocks[name] = markFired(this.clocks[name]!, event);
        this.fireClockEvent(now, event);
      }
    }
    const s = this.scheduled;
    if (s.surveyAt !== undefined && s.surveyAt <= now) this.sendSurvey(now);
    if (s.surveyWindowEndsAt !== undefined && s.surveyWindowEndsAt <= now) {
      s.surveyWindowEndsAt = undefined;
      this.record(now, SYSTEM_ACTOR, 'survey-window-closed', 'no confirmed answer: resolved without feedback');
      this.resolveCase(now);
    }
    if (s.reopenWindowEndsAt !== undefined && s.reopenWindowEndsAt <= now) {
      s.reopenWindowEndsAt = undefined;
      this.emit(now, 'closed');
      this.setStage(now, 'closed', SYSTEM_ACTOR);
      this.lifecycle(now, 'complaint.closed', 'closed', {
        outcome: this.outcome ?? null,
        csat: this.csat ?? null,
        reopenCount: this.reopenCount,
      });
    }
  }

  private fireClockEvent(now: number, event: ClockEvent): void {
    const kind = this.clockKind(event.clock);
    const deadline = this.clocks[event.clock]?.deadline;
    const extensions = this.clocks[event.clock]?.extensions.length ?? 0;
    // Legacy ids named the complaint's cycle, which a second remedy's due clock shares with the first.
    const cycle =
      this.options.ids === 'legacy'
        ? `c${this.cycle}:x${extensions}`
        : `r${this.occurrences[`clock:${event.clock}`] ?? 1}:x${extensions}`;
    if (event.type === 'warning') {
      if (kind === 'window') return;
      this.record(
        now,
        SYSTEM_ACTOR,
        'deadline-warning',
        `${event.clock} at ${Math.round(event.fraction * 100)}%${event.late ? ' (fired late: its instant passed during a pause)' : ''}`,
      );
      this.lifecycle(now, 'complaint.deadline-warning', `warning:${event.clock}:${cycle}:${event.fraction}`, {
        clock: event.clock,
        fraction: event.fraction,
        deadline,
        late: event.late,
      });
      return;
    }
    if (kind === 'window') {
      this.record(now, SYSTEM_ACTOR, 'window-closed', `${event.clock}: this route is no longer open`);
      return;
    }
    this.breaches.push({ clock: event.clock, at: iso(now) });
    this.record(now, SYSTEM_ACTOR, 'deadline-breached', `${event.clock} missed its deadline ${deadline ?? ''}`);
    const actions: readonly BreachAction[] = this.policyClock(event.clock)?.breach ?? [
      'escalate',
      'notify-supervisor',
      'publish-breach',
    ];
    if (actions.includes('publish-breach')) {
      this.lifecycle(now, 'complaint.deadline-breached', `breached:${event.clock}:${cycle}`, {
        clock: event.clock,
        deadline,
      });
    }
    if (actions.includes('escalate')) this.escalate(now, SYSTEM_ACTOR, `${event.clock} deadline breached`);
    if (actions.includes('notify-supervisor'))
      this.alertSupervisor(`${event.clock} deadline breached`, `deadline was ${deadline ?? ''}`);
  }

  // ------------------------------------------------------------------ human actions: effects

  doAssign(now: number, i: AssignInput): void {
    const from = this.assignee;
    this.assignee = i.assignee;
    this.record(
      now,
      i.actor,
      from ? 'reassigned' : 'assigned',
      from ? `from ${from} to ${i.assignee}` : `to ${i.assignee}`,
    );
    if (this.stage === 'acknowledged') this.setStage(now, 'listening', i.actor);
  }

  doRecordAccount(now: number, i: RecordAccountInput): void {
    this.record(
      now,
      i.actor,
      'account-recorded',
      i.confirmed ? 'confirmed by the customer' : 'sent to the customer to confirm',
    );
    this.notify('account-confirmation', this.repeatable('account', `account:c${this.cycle}:${this.timeline.length}`), {
      account: i.account,
    });
    this.firstResponse(now);
    if (i.confirmed) {
      this.listeningDone = true;
      this.setWaiting(now, false);
      this.setStage(now, 'apology', i.actor);
    } else {
      if (this.stage === 'acknowledged') this.setStage(now, 'listening', i.actor);
      this.setWaiting(now, true);
    }
  }

  doAskQuestion(now: number, i: AskQuestionInput): void {
    this.record(now, i.actor, 'question-asked', undefined, this.checkWords(i.question));
    this.notify('question', this.repeatable('question', `question:c${this.cycle}:${this.timeline.length}`), {
      question: i.question,
    });
    this.firstResponse(now);
    if (this.stage === 'acknowledged') this.setStage(now, 'listening', i.actor);
    this.setWaiting(now, true);
  }

  doApologise(now: number, i: ApologiseInput): void {
    const flags = this.checkWords(i.text);
    this.record(now, i.actor, 'apology-sent', i.faultAdmitted ? 'fault admitted' : 'fault not admitted', flags);
    this.notify('apology', `apology:c${this.cycle}`, { text: i.text });
    this.firstResponse(now);
    this.lifecycle(now, 'complaint.apology-sent', `apology:c${this.cycle}`, {
      faultAdmitted: i.faultAdmitted,
      by: i.actor.id,
    });
    this.setStage(now, 'remedy', i.actor);
  }

  doSkipApology(now: number, i: SkipApologyInput): void {
    this.record(now, i.actor, 'apology-skipped', i.reason);
    this.setStage(now, 'remedy', i.actor);
  }

  doProposeRemedy(now: number, i: ProposeRemedyInput): void {
    this.remedyCount += 1;
    this.dueInDays = i.dueInDays;
    const remedyId = `${this.complaintId}:remedy:${this.remedyCount}`;
    const flags = this.checkWords(i.description);
    const needsApproval =
      i.amount !== undefined &&
      i.currency !== undefined &&
      i.actor.role !== 'supervisor' &&
      needsSupervisorApproval(this.policy, i.amount, i.currency);
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
    this.remedy = remedy;
    this.record(
      now,
      i.actor,
      'remedy-proposed',
      `${i.kind}${i.amount !== undefined ? ` ${i.amount} ${i.currency ?? ''}` : ''}`,
      flags,
    );
    const summary = { remedyId, kind: i.kind, amount: i.amount ?? null, currency: i.currency ?? null, needsApproval };
    this.lifecycle(now, 'complaint.remedy-proposed', `remedy-proposed:${remedyId}`, summary);
    if (i.kind === 'decline') {
      remedy.status = 'declined';
      this.notify('decline', `decline:${remedyId}`, {
        reasons: i.description,
        alternatives: (i.alternatives ?? []).map((a) => `- ${a}`).join('\n'),
      });
      this.lifecycle(now, 'complaint.remedy-declined', `remedy-declined:${remedyId}`, { remedyId });
      this.emit(now, 'remedy-declined');
    } else if (i.kind === 'explanation') {
      remedy.status = 'explained';
    } else if (needsApproval) {
      this.alertSupervisor(
        'remedy awaiting approval',
        `${i.kind} of ${i.amount ?? ''} ${i.currency ?? ''} is above the approval threshold`,
      );
    } else {
      this.approveRemedy(now, i.actor, 'within the policy threshold', i.dueInDays);
    }
  }

  doDecideRemedy(now: number, i: DecideRemedyInput): void {
    const remedy = this.remedy!;
    if (i.approve) {
      this.approveRemedy(now, i.actor, i.reason, this.dueInDays);
    } else {
      remedy.status = 'rejected';
      this.record(now, i.actor, 'remedy-rejected', i.reason);
    }
  }

  private approveRemedy(now: number, actor: Actor, reason: string, dueInDays: number | undefined): void {
    const remedy = this.remedy!;
    remedy.approvedBy = actor.id;
    remedy.status = 'requested';
    const due = this.start(
      { name: REMEDY_DUE_CLOCK, target: { amount: dueInDays ?? DEFAULT_REMEDY_DAYS, unit: 'days' }, warnings: [0.75] },
      now,
    );
    remedy.dueBy = due.deadline;
    this.record(now, actor, 'remedy-approved', reason);
    this.lifecycle(now, 'complaint.remedy-approved', `remedy-approved:${remedy.remedyId}`, {
      remedyId: remedy.remedyId,
      by: actor.id,
    });
    this.emit(now, 'remedy-approved');
    const request: RemedyRequest = {
      complaintId: this.complaintId,
      remedyId: remedy.remedyId,
      kind: remedy.kind,
      description: remedy.description,
      ...(remedy.amount !== undefined ? { amount: remedy.amount } : {}),
      ...(remedy.currency ? { currency: remedy.currency } : {}),
      dueBy: due.deadline,
      customerId: this.input.complaint.customer.id,
    };
    this.outbox.remedies.push(request);
    this.lifecycle(now, 'complaint.remedy-requested', `remedy-requested:${remedy.remedyId}`, {
      remedyId: remedy.remedyId,
      dueBy: due.deadline,
    });
    this.emit(now, 'remedy-requested');
  }

  doExtend(now: number, i: ExtendInput): void {
    this.extended = true;
    this.record(now, i.actor, 'holding-response-sent', i.reason, this.checkWords(i.reason));
    this.notify('holding-response', `holding:c${this.cycle}`, { reason: i.reason, expectedBy: i.expectedBy });
    this.firstResponse(now);
    this.emit(now, 'holding-response-sent');
  }

  doEscalate(now: number, i: EscalateInput): void {
    this.escalate(now, i.actor, i.reason);
    this.alertSupervisor('escalated', i.reason);
  }

  doWithdraw(now: number, actor: Actor, reason: string): void {
    this.record(now, actor, 'withdrawn', reason);
    this.emit(now, 'withdrawn');
    this.scheduled = {};
    this.setStage(now, 'withdrawn', actor);
    this.lifecycle(now, 'complaint.withdrawn', 'withdrawn', { by: actor.id });
  }

  doResolve(now: number, i: ResolveInput): void {
    const flags = this.checkWords(i.reasons);
    const parts = Object.fromEntries(Object.entries(i.parts ?? {}).map(([k, v]) => [`part:${k}`, v]));
    const vars = {
      outcome: i.outcome,
      reasons: i.reasons,
      ...(i.responseType ? { responseType: i.responseType } : {}),
      ...(this.remedy && this.remedy.status !== 'declined' ? { remedy: this.remedy.description } : {}),
      ...parts,
    };
    if (i.response === 'cfpb-response' && i.responseType === 'in-progress') {
      this.record(now, i.actor, 'in-progress-response-sent', i.reasons, flags);
      this.notify('cfpb-response', this.repeatable('cfpb-in-progress', `cfpb-in-progress:c${this.cycle}`), vars);
      this.firstResponse(now);
      this.emit(now, 'in-progress-response-sent');
      return;
    }
    this.outcome = i.outcome;
    this.finalResponseAt = now;
    this.record(now, i.actor, `${i.response}-sent`, `${i.outcome}: ${i.reasons}`, flags);
    this.notify(i.response, `${i.response}:c${this.cycle}`, vars);
    this.firstResponse(now);
    this.emit(now, i.response === 'summary-resolution' ? 'summary-resolution-sent' : 'final-response-sent');
    this.setStage(now, 'follow-up', i.actor);
    this.scheduled.surveyAt = this.after(now, this.policy.followUp.delay);
  }

  // ------------------------------------------------------------------ facts from other systems

  /** True the first time an event id is seen: a repeated delivery changes nothing. */
  firstSeen(fact: { eventId: string }): boolean {
    if (this.seen.has(fact.eventId)) return false;
    this.seen.add(fact.eventId);
    const limit = this.options.seenLimit;
    // A Set iterates in insertion order: the first id is the oldest.
    if (limit !== undefined && this.seen.size > limit) this.seen.delete(this.seen.values().next().value!);
    return true;
  }

  onCustomerReplied(now: number, f: ExternalFact<InboundData<'customer.replied'>>): void {
    const actor = customerActor(f);
    this.record(
      now,
      actor,
      'customer.replied',
      f.data.sentiment ? `sentiment: ${f.data.sentiment}` : undefined,
      undefined,
      f.eventId,
    );
    if ((this.stage === 'follow-up' || this.stage === 'resolved') && f.data.sentiment !== 'satisfied') {
      this.reopen(now, actor, 'the customer replied after the final response');
      return;
    }
    if (this.waitingOnCustomer) this.setWaiting(now, false);
  }

  onCustomerWithdrew(now: number, f: ExternalFact<InboundData<'customer.withdrew'>>): void {
    if (!OPEN_STAGES.includes(this.stage) || this.stage === 'resolved') {
      this.record(
        now,
        customerActor(f),
        'customer.withdrew',
        `ignored: the complaint is ${this.stage}`,
        undefined,
        f.eventId,
      );
      return;
    }
    this.doWithdraw(now, customerActor(f), f.data.reason ?? 'withdrawn by the customer');
    this.timeline[this.timeline.length - 1]!.eventId = f.eventId;
  }

  onRemedyFulfilled(now: number, f: ExternalFact<InboundData<'remedy.fulfilled'>>): void {
    const remedy = this.requestedRemedy(now, 'remedy.fulfilled', f);
    if (!remedy) return;
    remedy.status = 'fulfilled';
    this.stopClock(now, REMEDY_DUE_CLOCK);
    this.record(
      now,
      systemActor(f),
      'remedy.fulfilled',
      f.data.reference ? `reference ${f.data.reference}` : undefined,
      undefined,
      f.eventId,
    );
    this.lifecycle(now, 'complaint.remedy-fulfilled', `remedy-fulfilled:${remedy.remedyId}`, {
      remedyId: remedy.remedyId,
    });
    this.emit(now, 'remedy-fulfilled');
  }

  onRemedyFailed(now: number, f: ExternalFact<InboundData<'remedy.failed'>>): void {
    const remedy = this.requestedRemedy(now, 'remedy.failed', f);
    if (!remedy) return;
    remedy.status = 'failed';
    remedy.failureReason = f.data.reason;
    this.stopClock(now, REMEDY_DUE_CLOCK);
    // Back to the agent: the stage stays `remedy`, and a new remedy can be proposed.
    this.record(now, systemActor(f), 'remedy.failed', f.data.reason, ['remedy failed: back to the agent'], f.eventId);
    this.lifecycle(now, 'complaint.remedy-failed', `remedy-failed:${remedy.remedyId}`, {
      remedyId: remedy.remedyId,
      reason: f.data.reason,
    });
    this.alertSupervisor('remedy failed', f.data.reason);
  }

  /**
   * The remedy a fulfilment fact is about, if it is the one awaiting fulfilment; otherwise the fact is
   * put on the timeline as ignored (a stale or misaddressed event must not change a settled remedy).
   */
  private requestedRemedy(now: number, action: string, f: ExternalFact<{ remedyId: string }>): Remedy | undefined {
    const remedy = this.remedy;
    if (remedy && remedy.remedyId === f.data.remedyId && remedy.status === 'requested') return remedy;
    this.record(
      now,
      systemActor(f),
      action,
      `ignored: remedy ${f.data.remedyId} is not the one requested`,
      ['unexpected remedy event'],
      f.eventId,
    );
    return undefined;
  }

  onSurveyResponded(now: number, f: ExternalFact<InboundData<'survey.responded'>>): void {
    const actor = customerActor(f);
    if (!f.data.confirmed) {
      // A link opened by a mail scanner is not an answer: only a confirmed submission counts.
      this.record(now, actor, 'survey.responded', 'not confirmed by the customer: not counted', undefined, f.eventId);
      return;
    }
    if (this.stage !== 'follow-up' || this.scheduled.surveyWindowEndsAt === undefined) {
      this.record(
        now,
        actor,
        'survey.responded',
        `ignored: no survey is open (stage ${this.stage})`,
        undefined,
        f.eventId,
      );
      return;
    }
    this.csat = f.data.score;
    this.scheduled.surveyWindowEndsAt = undefined;
    this.record(
      now,
      actor,
      'survey.responded',
      `score ${f.data.score} of ${this.policy.followUp.scale}`,
      undefined,
      f.eventId,
    );
    this.emit(now, 'survey-responded');
    if (scoreReopens(this.policy, f.data.score)) {
      this.reopen(now, actor, `satisfaction score ${f.data.score} of ${this.policy.followUp.scale}`);
    } else {
      this.resolveCase(now);
    }
  }

  // ------------------------------------------------------------------ internals

  private sendSurvey(now: number): void {
    this.scheduled.surveyAt = undefined;
    this.notify('survey', `survey:c${this.cycle}`, {
      surveyLink: `https://feedback.example/complaints/${encodeURIComponent(this.complaintId)}/c${this.cycle}`,
    });
    this.record(now, SYSTEM_ACTOR, 'survey-sent');
    this.lifecycle(now, 'complaint.followup-sent', `followup:c${this.cycle}`, {});
    this.emit(now, 'followup-sent');
    this.scheduled.surveyWindowEndsAt = this.after(now, this.policy.followUp.surveyWindow);
  }

  private resolveCase(now: number): void {
    this.emit(now, 'resolved');
    this.setStage(now, 'resolved', SYSTEM_ACTOR);
    this.lifecycle(now, 'complaint.resolved', `resolved:c${this.cycle}`, {
      outcome: this.outcome ?? null,
      csat: this.csat ?? null,
    });
    this.scheduled.reopenWindowEndsAt = this.after(now, this.policy.reopenWindow);
  }

  private reopen(now: number, actor: Actor, reason: string): void {
    this.reopenCount += 1;
    this.cycle += 1;
    this.scheduled = {};
    this.listeningDone = false;
    this.outcome = undefined;
    this.extended = false;
    this.finalResponseAt = undefined;
    this.emit(now, 'reopened');
    // A new cycle of the policy's response clocks (not the acknowledgement, not one-off windows).
    for (const clock of this.policy.clocks) {
      if (clock.start === 'received' && clock.kind === 'deadline' && !clock.stop.includes('acknowledged')) {
        this.start(clockSpec(this.policy, clock), now);
      }
    }
    this.firstResponseAt = undefined;
    this.setStage(now, 'listening', actor);
    this.record(now, actor, 'reopened', reason);
    this.lifecycle(now, 'complaint.reopened', `reopened:${this.reopenCount}`, {
      reason,
      reopenCount: this.reopenCount,
    });
  }

  private firstResponse(now: number): void {
    if (this.firstResponseAt !== undefined) return;
    this.firstResponseAt = now;
    this.emit(now, 'first-response-sent');
  }

  private escalate(now: number, actor: Actor, reason: string): void {
    this.escalated = true;
    this.escalations += 1;
    this.record(now, actor, 'escalated', reason);
    this.lifecycle(now, 'complaint.escalated', `escalated:${this.escalations}`, { reason, by: actor.id });
  }

  private alertSupervisor(reason: string, detail: string): void {
    this.alerts += 1;
    this.notify(
      'supervisor-alert',
      `alert:${this.alerts}`,
      { reason, detail, ...(this.assignee ? { assignee: this.assignee } : {}) },
      false,
    );
  }

  /** Applies a policy lifecycle event to the clocks: stops, then extensions, then starts. */
  private emit(now: number, event: LifecycleEvent): void {
    for (const clock of clocksStoppedBy(this.policy, event)) this.stopClock(now, clock.name);
    for (const clock of this.policy.clocks) {
      const s = this.clocks[clock.name];
      if (clock.extension?.on === event && s && s.status !== 'stopped') {
        this.clocks[clock.name] = extendClock(s, clock.extension.target, now, this.a.snapshot);
        this.record(now, SYSTEM_ACTOR, 'clock-extended', `${clock.name} now due ${this.clocks[clock.name]!.deadline}`);
      }
    }
    if (event !== 'received') {
      for (const clock of clocksStartingOn(this.policy, event)) this.start(clockSpec(this.policy, clock), now);
    }
    if (event === 'withdrawn' || event === 'closed') this.stopClock(now, REMEDY_DUE_CLOCK);
  }

  /** Starts (or restarts) a clock; each start of a clock is a new run of it, numbered for its event ids. */
  private start(spec: ClockSpec, at: number): ClockState {
    const state = startClock(spec, at, this.a.snapshot);
    this.clocks[spec.name] = state;
    this.occurrence(`clock:${spec.name}`);
    return state;
  }

  private stopClock(now: number, name: string): void {
    const s = this.clocks[name];
    if (s && s.status !== 'stopped') this.clocks[name] = stopClock(s, now, this.a.snapshot);
  }

  /** Waiting on the customer pauses the clocks whose policy says so; an answer resumes them. */
  private setWaiting(now: number, waiting: boolean): void {
    if (this.waitingOnCustomer === waiting) return;
    this.waitingOnCustomer = waiting;
    for (const [name, s] of Object.entries(this.clocks)) {
      if (!this.policyClock(name)?.pausesWhileWaitingOnCustomer) continue;
      if (waiting && s.status === 'running') this.clocks[name] = pauseClock(s, now);
      if (!waiting && s.status === 'paused') this.clocks[name] = resumeClock(s, now, this.a.snapshot);
    }
    this.record(now, SYSTEM_ACTOR, waiting ? 'waiting-on-customer' : 'customer-answered');
  }

  private setStage(now: number, to: Stage, actor: Actor): void {
    const from = this.stage;
    if (from === to) return;
    // The stage machine (domain/stages.ts) is the law; a rule that broke it is a bug, shown to a
    // supervisor as a flag (throwing here would fail the workflow task over and over: a frozen complaint).
    if (!canMove(from, to)) this.flag(now, `stage machine: ${from} cannot move to ${to}`);
    this.stage = to;
    const n = this.occurrence('stage-change');
    const step =
      this.options.ids === 'legacy' ? `stage:c${this.cycle}:${from}->${to}:${this.timeline.length}` : `stage:${n}:${from}->${to}`;
    this.lifecycle(now, 'complaint.stage-changed', step, {
      from,
      to,
      by: actor.id,
    });
  }

  /** Runs the respect check on agent-written text; hits go to the timeline and the supervisor. */
  private checkWords(text: string): string[] | undefined {
    const hits = respectCheck(text);
    if (hits.length === 0) return undefined;
    const flags = hits.map((h) => `respect check: "${h.phrase}" (${h.why})`);
    this.flags.push(...flags);
    this.alertSupervisor('respect check', flags.join('; '));
    return flags;
  }

  /** Counts one more occurrence of `kind`; returns its number (1 for the first). */
  private occurrence(kind: string): number {
    const n = (this.occurrences[kind] ?? 0) + 1;
    this.occurrences[kind] = n;
    return n;
  }

  /**
   * The step of something that can happen more than once in a cycle: its occurrence number, so every one
   * is a distinct event and letter. Legacy complaints keep the step they were started with (built from
   * the timeline's length), so an in-flight retry republishes the id it had.
   */
  private repeatable(kind: string, legacy: string): string {
    const n = this.occurrence(kind);
    return this.options.ids === 'legacy' ? legacy : `${kind}:${n}`;
  }

  private flag(now: number, text: string): void {
    this.flags.push(text);
    this.record(now, SYSTEM_ACTOR, 'flagged', text, [text]);
  }

  private record(now: number, actor: Actor, action: string, detail?: string, flags?: string[], eventId?: string): void {
    this.timeline.push({
      at: iso(now),
      actor,
      action,
      ...(detail !== undefined ? { detail } : {}),
      ...(eventId !== undefined ? { eventId } : {}),
      ...(flags && flags.length > 0 ? { flags } : {}),
    });
    const limit = this.options.timelineLimit;
    if (limit !== undefined && this.timeline.length > limit) {
      const dropped = this.timeline.length - limit;
      this.timeline.splice(0, dropped);
      this.timelineDropped += dropped;
    }
  }

  private lifecycle(now: number, type: LifecycleEventType, step: string, data: Record<string, unknown>): void {
    const event: OutboundEvent = {
      eventId: publishedEventId(this.complaintId, step),
      type,
      complaintId: this.complaintId,
      occurredAt: iso(now),
      source: 'redress',
      data,
    };
    this.outbox.lifecycle.push(event);
  }

  private notify(kind: NotificationKind, step: string, vars: Record<string, string>, toCustomer = true): void {
    const c = this.input.complaint;
    const request: NotificationRequest = {
      complaintId: this.complaintId,
      step,
      kind,
      regime: this.policy.id,
      ...(toCustomer ? { customer: c.customer } : {}),
      channel: toCustomer ? (c.customer.preferredChannel ?? c.channel) : 'internal',
      vars,
    };
    this.outbox.notifications.push(request);
  }

  private after(now: number, duration: Duration): number {
    return toEpochMs(addDuration(now, duration, this.a.snapshot));
  }

  private policyClock(name: string): PolicyClock | undefined {
    return this.policy.clocks.find((c) => c.name === name);
  }

  private clockKind(name: string): 'deadline' | 'window' {
    return this.policyClock(name)?.kind ?? 'deadline';
  }


  /** Takes everything queued for publishing (the workflow publishes it in one activity call). */
  takeOutbox(): PublishBatch | undefined {
    const batch = this.outbox;
    if (batch.notifications.length + batch.remedies.length + batch.lifecycle.length === 0) return undefined;
    this.outbox = { notifications: [], remedies: [], lifecycle: [] };
    return batch;
  }

  // ------------------------------------------------------------------ views

  status(now: number): ComplaintStatus {
    const c = this.input.complaint;
    const clocks: ClockStatus[] = Object.values(this.clocks).map((s) => {
      const left = timeLeft(s, now, this.a.snapshot);
      return {
        clock: s.clock,
        kind: this.clockKind(s.clock),
        status: s.status,
        deadline: s.deadline,
        timeLeftMs: toEpochMs(s.deadline) - now,
        remaining: left.remaining,
        unit: s.unit,
        target: s.target,
        warningsFired: s.warnings.filter((w) => w.fired).map((w) => w.fraction),
        breached: s.breach.fired && this.clockKind(s.clock) === 'deadline',
        ...(s.stoppedAt ? { stoppedAt: s.stoppedAt } : {}),
        ...(s.outcome ? { met: s.outcome.met } : {}),
      };
    });
    const next = this.nextDeadline();
    return {
      complaintId: this.complaintId,
      stage: this.stage,
      regime: this.policy.id,
      policyVersion: this.policy.version,
      region: this.a.region,
      severity: this.a.severity,
      category: c.category,
      channel: c.channel,
      customerId: c.customer.id,
      ...(this.assignee ? { assignee: this.assignee } : {}),
      escalated: this.escalated,
      breached: this.breaches.length > 0,
      breaches: [...this.breaches],
      clocks,
      ...(next !== undefined ? { nextDeadline: iso(next) } : {}),
      waitingOnCustomer: this.waitingOnCustomer,
      ...(this.remedy ? { remedy: { ...this.remedy } } : {}),
      ...(this.outcome ? { outcome: this.outcome } : {}),
      ...(this.csat !== undefined ? { csat: this.csat } : {}),
      reopenCount: this.reopenCount,
      repeatOf: [...this.a.repeatOf],
      flags: [...this.flags],
      receivedAt: iso(this.receivedAt),
      ...(this.firstResponseAt !== undefined ? { firstResponseAt: iso(this.firstResponseAt) } : {}),
      ...(this.finalResponseAt !== undefined ? { finalResponseAt: iso(this.finalResponseAt) } : {}),
    };
  }

  /**
   * Queues `complaint.updated` with the complaint's record view when any of it changed since the last
   * one (the store's complaint row), numbered so the newest wins however deliveries are ordered.
   */
  queueViewIfChanged(now: number): void {
    const view = this.view();
    const key = JSON.stringify(view);
    if (key === this.lastView) return;
    this.lastView = key;
    this.viewRevision += 1;
    this.lifecycle(now, COMPLAINT_UPDATED, `view:${this.viewRevision}`, { revision: this.viewRevision, ...view });
  }

  /** The record view (domain/complaint-view): what lists, queues and reports filter on; no personal data. */
  view(): Omit<ComplaintView, 'revision'> {
    const c = this.input.complaint;
    const next = this.nextDeadline();
    const r = this.remedy;
    return {
      stage: this.stage,
      regime: this.policy.id,
      policyVersion: this.policy.version,
      region: this.a.region,
      severity: this.a.severity,
      category: c.category,
      product: c.product ?? null,
      channel: c.channel,
      customerId: c.customer.id,
      assignee: this.assignee ?? null,
      escalated: this.escalated,
      breached: this.breaches.length > 0,
      breaches: [...this.breaches],
      nextDeadline: next === undefined ? null : iso(next),
      clocks: Object.values(this.clocks).map((s) => ({
        clock: s.clock,
        kind: this.clockKind(s.clock),
        status: s.status,
        deadline: s.deadline,
        breached: s.breach.fired && this.clockKind(s.clock) === 'deadline',
        met: s.outcome ? s.outcome.met : null,
      })),
      waitingOnCustomer: this.waitingOnCustomer,
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
      outcome: this.outcome ?? null,
      csat: this.csat ?? null,
      reopenCount: this.reopenCount,
      repeatOf: [...this.a.repeatOf],
      flagCount: this.flags.length,
      receivedAt: iso(this.receivedAt),
      firstResponseAt: this.firstResponseAt === undefined ? null : iso(this.firstResponseAt),
      finalResponseAt: this.finalResponseAt === undefined ? null : iso(this.finalResponseAt),
    };
  }

  /**
   * Messages the publisher could not publish after its retries (the broker refused them, or they could
   * not be rendered): on the timeline and the status's flags, and a supervisor alert, so a letter that
   * never left is seen by a person. The complaint goes on.
   */
  onPublishFailed(now: number, failures: readonly PublishFailure[]): void {
    for (const f of failures) {
      const text = `${f.kind} ${f.eventId} was not published: ${f.reason}`;
      this.flags.push(text);
      this.record(now, SYSTEM_ACTOR, 'publish-failed', text, [text]);
      // An alert that itself could not be published is not alerted again (that could loop).
      if (f.kind !== 'supervisor-alert') this.alertSupervisor('message not published', text);
    }
    const limit = this.options.timelineLimit;
    if (limit !== undefined && this.flags.length > limit) this.flags.splice(0, this.flags.length - limit);
  }

  /** The earliest deadline of a running (not breached) deadline clock: what "at risk" sorts by. */
  nextDeadline(): number | undefined {
    const deadlines = Object.values(this.clocks)
      .filter((s) => s.status === 'running' && !s.breach.fired && this.clockKind(s.clock) === 'deadline')
      .map((s) => toEpochMs(s.deadline));
    return deadlines.length > 0 ? Math.min(...deadlines) : undefined;
  }
}


const customerActor = (f: { source: string }): Actor => ({ id: `customer via ${f.source}`, role: 'service' });
const systemActor = (f: { source: string }): Actor => ({ id: f.source, role: 'service' });

import type { Assessment, PublishBatch } from '../activities';
import type { NotificationKind } from '../activities/notifications';
import type { Actor } from '../domain/actor';
import { SYSTEM_ACTOR } from '../domain/actor';
import {
  addDuration,
  extendClock,
  extendClockUntil,
  pauseClock,
  resumeClock,
  startClock,
  stopClock,
  toEpochMs,
  type ClockSpec,
  type ClockState,
  type Duration,
} from '../domain/clock';
import type { ComplaintView } from '../domain/complaint-view';
import { queueCustomerLetter } from './case-letters';
import type { LifecycleEventType, OutboundEvent } from '../domain/events';
import { publishedEventId } from '../domain/ids';
import { clockSpec, clocksStartingOn, clocksStoppedBy } from '../domain/policy/plan';
import type { StaffRecipient } from '../domain/policy/ladder';
import type { Policy, PolicyClock } from '../domain/policy/schema';
import type { LifecycleEvent } from '../domain/policy/vocabulary';
import { canMove } from '../domain/stages';
import type { Commitment } from './case-commitments';
import { complaintEntry, ConversationLog, customerAuthor } from './conversation-log';
import { carryCase, restoreCase, type CarriedCase } from './case-carry';
import type { VulnerabilityStatus } from '../domain/vulnerability';
import { DraftBook } from './case-drafts';
import { nextWakeAt, openCase, runDue } from './case-lifecycle';
import { nextDeadlineOf, statusOf, viewOf } from './case-view';
import type { ComplaintInput, ComplaintStatus, Remedy, Stage, TimelineEntry } from './messages';
import type { CaseOptions } from './case-options';

export type { CaseOptions, IdScheme } from './case-options';

/**
 * One complaint's state and the mechanisms every rule uses (DESIGN §2–§3), free of the Temporal SDK so
 * the rules read as plain code. By concern: this file holds the state, the clocks (start, stop, pause,
 * policy events, timers due), the timeline and the outbox; `rules.ts` decides whether an action may be
 * taken, `case-effects.ts` what it does, `case-facts.ts` what facts from other systems do, and
 * `case-view.ts` how the complaint looks from outside. The engines (`engine.ts`, `legacy-engine.ts`)
 * wire them to messages, timers and activities. Every instant comes from the caller (workflow time).
 */

export const REMEDY_DUE_CLOCK = 'remedy-due';
export const DEFAULT_REMEDY_DAYS = 5;

const iso = (ms: number) => new Date(ms).toISOString();

export class ComplaintCase {
  stage: Stage = 'received';
  readonly policy: Policy;
  assessment: Assessment;
  clocks: Record<string, ClockState> = {};
  breaches: Array<{ clock: string; at: string }> = [];
  escalated = false;
  assignee?: string;
  waitingOnCustomer = false;
  listeningDone = false;
  /** An account was sent to the customer to confirm and neither they nor an agent has confirmed it yet. */
  accountAwaitingConfirmation = false;
  remedy?: Remedy;
  remedyCount = 0;
  outcome?: ComplaintStatus['outcome'];
  /** The root cause the final response recorded (the policy's taxonomy), for the reports. */
  cause?: string;
  csat?: number;
  reopenCount = 0;
  /** Bumped on every reopen, so the event ids of a new cycle never collide with the last one's. */
  cycle = 0;
  flags: string[] = [];
  firstResponseAt?: number;
  finalResponseAt?: number;
  extended = false;
  /** Whether this cycle's apology admitted fault (then the complaint cannot be "not upheld"). */
  faultAdmitted = false;
  /** Things the workflow must do at an instant that are not policy clocks. */
  scheduled: {
    surveyAt?: number;
    surveyWindowEndsAt?: number;
    reopenWindowEndsAt?: number;
    /** The next progress letter, when the policy keeps the customer informed (case-progress.ts). */
    progressUpdateAt?: number;
  } = {};
  readonly timeline: TimelineEntry[] = [];
  /** Timeline entries no longer kept in state (see `timelineLimit`). */
  timelineDropped = 0;
  readonly seen = new Set<string>();
  outbox: Required<PublishBatch> = { notifications: [], remedies: [], lifecycle: [], linked: [] };
  escalations = 0;
  /** The promised fulfilment time of the remedy awaiting approval. */
  dueInDays?: number;
  alerts = 0;
  /** How often each repeatable thing has happened: the occurrence numbers outbound ids are derived from. */
  occurrences: Record<string, number> = {};
  viewRevision = 0;
  lastView = '';
  /** Promises made by actions (case-commitments.ts): each a due instant the workflow wakes for. */
  commitments: Commitment[] = [];
  /** Every message in and out, personal text included: read by the `conversation` query only. */
  readonly conversation = new ConversationLog();
  readonly drafts = new DraftBook();
  /** Vulnerable circumstances as an agent last recorded them (case-vulnerability.ts); intake's flag until then. */
  vulnerability?: VulnerabilityStatus;
  /** The complaints opened for new matters the customer's replies raised (case-linked.ts), oldest first. */
  relatedTo: string[] = [];

  constructor(
    readonly input: ComplaintInput,
    assessment: Assessment,
    readonly receivedAt: number,
    readonly options: CaseOptions = { ids: 'legacy' },
  ) {
    this.assessment = assessment;
    this.policy = assessment.policy;
    this.seen.add(input.openedBy.eventId);
    this.conversation.add(complaintEntry(input.complaint));
  }

  /** Whether a reply can complete listening: the account is out with the customer, unconfirmed. */
  awaitingAccountConfirmation(): boolean {
    return this.stage === 'listening' && !this.listeningDone && this.accountAwaitingConfirmation;
  }

  /** The customer as the author of a message (their id in the upstream system, never their name). */
  get customer(): { id: string; role: 'customer' } {
    return customerAuthor(this.input.complaint);
  }

  get complaintId(): string {
    return this.input.complaintId;
  }

  // ------------------------------------------------------------------ continue-as-new

  /** Everything the complaint needs to go on in a new run (case-carry.ts). */
  carry(): CarriedCase {
    return carryCase(this);
  }

  /** The case as a previous run carried it (see `carry`). */
  static resume(input: ComplaintInput, carried: CarriedCase, options: CaseOptions): ComplaintCase {
    const complaint = new ComplaintCase(input, carried.assessment, carried.receivedAt, options);
    restoreCase(complaint, carried);
    return complaint;
  }

  /**
   * Uses a calendar snapshot covering a wider range (the workflow asks for one before the current one
   * runs out). Deadlines already computed stand: the calendar's days they relied on are the same.
   */
  useCalendar(snapshot: Assessment['snapshot']): void {
    this.assessment = { ...this.assessment, snapshot };
  }

  // ------------------------------------------------------------------ lifecycle (case-lifecycle.ts)

  /** Intake: start the policy's clocks at receipt, publish opened, acknowledge stating the deadlines. */
  open(now: number): void {
    openCase(this, now);
  }

  /** The next instant the workflow must wake for: a clock's warning or breach, or a scheduled step. */
  nextWakeAt(): number | undefined {
    return nextWakeAt(this);
  }

  /** Fires everything due at `now`: clock warnings and breaches (late ones too), then scheduled steps. */
  runDue(now: number): void {
    runDue(this, now);
  }

  isTerminal(): boolean {
    return this.stage === 'closed' || this.stage === 'withdrawn';
  }

  // ------------------------------------------------------------------ internals

  firstResponse(now: number): void {
    if (this.firstResponseAt !== undefined) return;
    this.firstResponseAt = now;
    this.applyPolicyEvent(now, 'first-response-sent');
  }

  escalate(now: number, actor: Actor, reason: string): void {
    this.escalated = true;
    this.escalations += 1;
    this.record(now, actor, 'escalated', reason);
    this.lifecycle(now, 'complaint.escalated', `escalated:${this.escalations}`, { reason, by: actor.id });
  }

  alertSupervisor(reason: string, detail: string): void {
    this.alerts += 1;
    this.notifyStaff('supervisor-alert', `alert:${this.alerts}`, {
      reason,
      detail,
      ...(this.assignee ? { assignee: this.assignee } : {}),
    });
  }

  /**
   * Applies a policy lifecycle event to the clocks: stops, then extensions, then starts. `expectedBy` is
   * the date a holding response promised, for an extension `until` it.
   */
  applyPolicyEvent(now: number, event: LifecycleEvent, facts: { expectedBy?: string } = {}): void {
    for (const clock of clocksStoppedBy(this.policy, event)) this.stopClock(now, clock.name);
    for (const clock of this.policy.clocks) {
      const s = this.clocks[clock.name];
      if (clock.extension?.on === event && s && s.status !== 'stopped') {
        const { snapshot } = this.assessment;
        this.clocks[clock.name] =
          clock.extension.until === 'expected-by' && facts.expectedBy !== undefined
            ? extendClockUntil(s, facts.expectedBy, now, snapshot)
            : extendClock(s, clock.extension.target, now, snapshot);
        this.record(now, SYSTEM_ACTOR, 'clock-extended', `${clock.name} now due ${this.clocks[clock.name]!.deadline}`);
      }
    }
    if (event !== 'received') {
      for (const clock of clocksStartingOn(this.policy, event)) this.start(clockSpec(this.policy, clock), now);
    }
    if (event === 'withdrawn' || event === 'closed') this.stopClock(now, REMEDY_DUE_CLOCK);
  }

  /** Starts (or restarts) a clock; each start of a clock is a new run of it, numbered for its event ids. */
  start(spec: ClockSpec, at: number): ClockState {
    const state = startClock(spec, at, this.assessment.snapshot);
    this.clocks[spec.name] = state;
    this.occurrence(`clock:${spec.name}`);
    return state;
  }

  stopClock(now: number, name: string): void {
    const s = this.clocks[name];
    if (s && s.status !== 'stopped') this.clocks[name] = stopClock(s, now, this.assessment.snapshot);
  }

  /** Waiting on the customer pauses the clocks whose policy says so; an answer resumes them. */
  setWaiting(now: number, waiting: boolean): void {
    if (this.waitingOnCustomer === waiting) return;
    this.waitingOnCustomer = waiting;
    for (const [name, s] of Object.entries(this.clocks)) {
      if (!this.policyClock(name)?.pausesWhileWaitingOnCustomer) continue;
      if (waiting && s.status === 'running') this.clocks[name] = pauseClock(s, now);
      if (!waiting && s.status === 'paused') this.clocks[name] = resumeClock(s, now, this.assessment.snapshot);
    }
    this.record(now, SYSTEM_ACTOR, waiting ? 'waiting-on-customer' : 'customer-answered');
  }

  setStage(now: number, to: Stage, actor: Actor): void {
    const from = this.stage;
    if (from === to) return;
    // The stage machine (domain/stages.ts) is the law; a rule that broke it is a bug, shown to a
    // supervisor as a flag (throwing here would fail the workflow task over and over: a frozen complaint).
    if (!canMove(from, to)) this.flag(now, `stage machine: ${from} cannot move to ${to}`);
    this.stage = to;
    const n = this.occurrence('stage-change');
    const step =
      this.options.ids === 'legacy'
        ? `stage:c${this.cycle}:${from}->${to}:${this.timeline.length}`
        : `stage:${n}:${from}->${to}`;
    this.lifecycle(now, 'complaint.stage-changed', step, {
      from,
      to,
      by: actor.id,
    });
  }

  /** Counts one more occurrence of `kind`; returns its number (1 for the first). */
  occurrence(kind: string): number {
    const n = (this.occurrences[kind] ?? 0) + 1;
    this.occurrences[kind] = n;
    return n;
  }

  /**
   * The step of something that can happen more than once in a cycle: its occurrence number, so every one
   * is a distinct event and letter. Legacy complaints keep the step they were started with (built from
   * the timeline's length), so an in-flight retry republishes the id it had.
   */
  repeatable(kind: string, legacy: string): string {
    const n = this.occurrence(kind);
    return this.options.ids === 'legacy' ? legacy : `${kind}:${n}`;
  }

  flag(now: number, text: string): void {
    this.flags.push(text);
    this.record(now, SYSTEM_ACTOR, 'flagged', text, [text]);
  }

  record(now: number, actor: Actor, action: string, detail?: string, flags?: string[], eventId?: string): void {
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

  lifecycle(now: number, type: LifecycleEventType, step: string, data: Record<string, unknown>): void {
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

  /** Queues a letter to the customer, and puts it in the conversation (case-letters.ts). */
  notify(now: number, kind: NotificationKind, step: string, vars: Record<string, string>): void {
    queueCustomerLetter(this, now, kind, step, vars);
  }

  /**
   * Queues a notification for staff (channel `internal`, no customer): not part of the conversation.
   * Without a recipient it goes to the supervisors (the mailer's default for staff).
   */
  notifyStaff(kind: NotificationKind, step: string, vars: Record<string, string>, staff?: StaffRecipient): void {
    this.outbox.notifications.push({
      complaintId: this.complaintId,
      step,
      kind,
      regime: this.policy.id,
      ...(staff ? { staff } : {}),
      channel: 'internal',
      vars,
    });
  }

  after(now: number, duration: Duration): number {
    return toEpochMs(addDuration(now, duration, this.assessment.snapshot));
  }

  policyClock(name: string): PolicyClock | undefined {
    return this.policy.clocks.find((c) => c.name === name);
  }

  clockKind(name: string): 'deadline' | 'window' {
    return this.policyClock(name)?.kind ?? 'deadline';
  }

  /** Takes everything queued for publishing (the workflow publishes it in one activity call). */
  takeOutbox(): PublishBatch | undefined {
    const { linked, ...batch } = this.outbox;
    if (batch.notifications.length + batch.remedies.length + batch.lifecycle.length + linked.length === 0)
      return undefined;
    this.outbox = { notifications: [], remedies: [], lifecycle: [], linked: [] };
    return linked.length > 0 ? { ...batch, linked } : batch;
  }

  // ------------------------------------------------------------------ views (case-view.ts)

  status(now: number): ComplaintStatus {
    return statusOf(this, now);
  }

  view(): Omit<ComplaintView, 'revision'> {
    return viewOf(this);
  }

  /** The earliest deadline of a running (not breached) deadline clock: what "at risk" sorts by. */
  nextDeadline(): number | undefined {
    return nextDeadlineOf(this);
  }

  // ------------------------------------------------------------------ facts (publishing: case-publishing.ts)

  /** True the first time an event id is seen: a repeated delivery changes nothing. */
  firstSeen(fact: { eventId: string }): boolean {
    if (this.seen.has(fact.eventId)) return false;
    this.seen.add(fact.eventId);
    const limit = this.options.seenLimit;
    // A Set iterates in insertion order: the first id is the oldest.
    if (limit !== undefined && this.seen.size > limit) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}

export const customerActor = (f: { source: string }): Actor => ({ id: `customer via ${f.source}`, role: 'service' });
export const systemActor = (f: { source: string }): Actor => ({ id: f.source, role: 'service' });

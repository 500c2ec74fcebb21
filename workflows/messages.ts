import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/actor';
import type { Complaint, Severity } from '../domain/complaint';
import type { InboundData } from '../domain/events';
import type { PublishBatch } from '../activities';
import type { CarriedCase } from './case';

/**
 * The complaint workflow's name, input and messages: the contract between the workflow and its
 * clients (the bridge, the API, the CLI, tests). Clients import this module, never the workflow.
 * Human actions are updates (validated: a wrong action is refused with a reason and changes nothing);
 * facts from other systems are signals carrying their event id; status and timeline are queries.
 */

export const COMPLAINT_WORKFLOW = 'complaintWorkflow';

export interface ComplaintInput {
  complaintId: string;
  complaint: Complaint;
  /** The id of the event or request that opened the complaint, remembered for deduplication. */
  openedBy: { eventId: string; source: string };
  /** Set when an earlier run of the complaint continued as new: what it handed over. */
  carried?: CarriedRun;
}

/** What a run hands to the next when it continues as new (history stays bounded; nothing is lost). */
export interface CarriedRun {
  case: CarriedCase;
  /** Messages decided but not yet published, oldest first: the new run publishes them. */
  outbox: QueuedBatch[];
  /** How many runs came before this one, and the last one's id (its timeline holds older entries). */
  runs: number;
  previousRunId: string;
}

/** A batch waiting in the outbox, stamped with when it was decided. */
export interface QueuedBatch {
  batch: PublishBatch;
  occurredAt: string;
}

/** The workflow's signature, for typed starts by name: `client.workflow.start<ComplaintWorkflow>(COMPLAINT_WORKFLOW, …)`. */
export type ComplaintWorkflow = (input: ComplaintInput) => Promise<ComplaintStatus>;

import type { Stage } from '../domain/stages';
export { STAGES, type Stage } from '../domain/stages';

export const OUTCOMES = ['upheld', 'partly-upheld', 'not-upheld'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const REMEDY_KINDS = ['refund', 'credit', 'replacement', 'repair', 'explanation', 'decline'] as const;
export type RemedyKind = (typeof REMEDY_KINDS)[number];

export type RemedyStatus =
  'awaiting-approval' | 'rejected' | 'requested' | 'fulfilled' | 'failed' | 'declined' | 'explained';

export interface Remedy {
  /** `<complaintId>:remedy:<n>`: the fulfilment system's idempotency key. */
  remedyId: string;
  kind: RemedyKind;
  description: string;
  amount?: number;
  currency?: string;
  /** When the remedy was promised to be fulfilled by. */
  dueBy?: string;
  alternatives?: string[];
  status: RemedyStatus;
  proposedBy: string;
  approvedBy?: string;
  needsApproval: boolean;
  failureReason?: string;
}

export interface ClockStatus {
  clock: string;
  kind: 'deadline' | 'window';
  status: 'running' | 'paused' | 'stopped';
  deadline: string;
  /** Milliseconds until the deadline at the time of the query; negative once passed. */
  timeLeftMs: number;
  /** Clock time left in the clock's own unit (business days for a business-day clock). */
  remaining: number;
  unit: string;
  target: number;
  warningsFired: number[];
  breached: boolean;
  stoppedAt?: string;
  met?: boolean;
}

export interface ComplaintStatus {
  complaintId: string;
  stage: Stage;
  regime: string;
  policyVersion: number;
  region: string;
  severity: Severity;
  category: string;
  channel: string;
  customerId: string;
  assignee?: string;
  escalated: boolean;
  breached: boolean;
  breaches: Array<{ clock: string; at: string }>;
  clocks: ClockStatus[];
  /** The earliest deadline of a running clock, what supervisors sort the at-risk list by. */
  nextDeadline?: string;
  waitingOnCustomer: boolean;
  remedy?: Remedy;
  outcome?: Outcome;
  csat?: number;
  reopenCount: number;
  /** Other open or recent complaints of the same customer. */
  repeatOf: string[];
  /** Respect-check hits and other things a supervisor should look at. */
  flags: string[];
  receivedAt: string;
  firstResponseAt?: string;
  finalResponseAt?: string;
}

/** One change in a complaint's life: who, what, when, why (DESIGN §2). */
export interface TimelineEntry {
  at: string;
  actor: Actor;
  /** What happened: a human action (`account-recorded`), a fact (`customer.replied`), a timer (`deadline-breached`). */
  action: string;
  /** Why, or the gist of what changed. */
  detail?: string;
  /** The id of the external event or update that caused it. */
  eventId?: string;
  /** Things a supervisor should look at, e.g. phrasing flagged by the respect check. */
  flags?: string[];
}

// ---------------------------------------------------------------- queries

export const statusQuery = defineQuery<ComplaintStatus>('status');
/** Every change, oldest first. A repeated event id never appears twice. */
export const timelineQuery = defineQuery<TimelineEntry[]>('timeline');

// ---------------------------------------------------------------- signals: facts from other systems

/** A fact from an upstream system, as the bridge delivers it: the event's id, origin and payload. */
export interface ExternalFact<D> {
  eventId: string;
  source: string;
  occurredAt: string;
  data: D;
}

/** A reference to an event, for duplicate deliveries of `complaint.received` (signal-with-start). */
export interface EventRef {
  eventId: string;
  source: string;
}

export const complaintReceivedSignal = defineSignal<[EventRef]>('complaintReceived');
export const customerRepliedSignal = defineSignal<[ExternalFact<InboundData<'customer.replied'>>]>('customerReplied');
export const customerWithdrewSignal =
  defineSignal<[ExternalFact<InboundData<'customer.withdrew'>>]>('customerWithdrew');
export const remedyFulfilledSignal = defineSignal<[ExternalFact<InboundData<'remedy.fulfilled'>>]>('remedyFulfilled');
export const remedyFailedSignal = defineSignal<[ExternalFact<InboundData<'remedy.failed'>>]>('remedyFailed');
export const surveyRespondedSignal = defineSignal<[ExternalFact<InboundData<'survey.responded'>>]>('surveyResponded');

// ---------------------------------------------------------------- updates: human actions

/** Every action carries who does it; the API fills it in from the caller's key. */
export interface ActionBase {
  actor: Actor;
}

export interface AssignInput extends ActionBase {
  assignee: string;
}
export interface RecordAccountInput extends ActionBase {
  /** The customer's own account, in their words as captured by the agent. */
  account: string;
  /** True when the customer confirmed the account is right; listening is done only then. */
  confirmed: boolean;
}
export interface AskQuestionInput extends ActionBase {
  question: string;
}
export interface ApologiseInput extends ActionBase {
  text: string;
  /** Whether the company admits it was at fault (DESIGN §1: admit mistakes, be honest). */
  faultAdmitted: boolean;
}
export interface SkipApologyInput extends ActionBase {
  reason: string;
}
export interface ProposeRemedyInput extends ActionBase {
  kind: RemedyKind;
  description: string;
  amount?: number;
  currency?: string;
  /** Days (calendar) within which the remedy is promised; a clock. Default 5. */
  dueInDays?: number;
  /** For a decline: what the customer can do instead. */
  alternatives?: string[];
}
export interface DecideRemedyInput extends ActionBase {
  approve: boolean;
  reason: string;
}
export interface ExtendInput extends ActionBase {
  /** Why a final response cannot be given yet (the holding response says so). */
  reason: string;
  /** When the final response will be given. */
  expectedBy: string;
}
export interface EscalateInput extends ActionBase {
  reason: string;
}
export interface WithdrawInput extends ActionBase {
  reason: string;
}
export const RESPONSE_KINDS_FOR_RESOLVE = ['final-response', 'summary-resolution', 'cfpb-response'] as const;
export interface ResolveInput extends ActionBase {
  response: (typeof RESPONSE_KINDS_FOR_RESOLVE)[number];
  outcome: Outcome;
  reasons: string;
  /** CFPB: one of the fixed response types (`in-progress` answers without resolving). */
  responseType?: string;
  /** Further parts the regime requires that no template supplies, by part name. */
  parts?: Record<string, string>;
}

export const assignUpdate = defineUpdate<ComplaintStatus, [AssignInput]>('assign');
export const recordAccountUpdate = defineUpdate<ComplaintStatus, [RecordAccountInput]>('recordAccount');
export const askQuestionUpdate = defineUpdate<ComplaintStatus, [AskQuestionInput]>('askQuestion');
export const apologiseUpdate = defineUpdate<ComplaintStatus, [ApologiseInput]>('apologise');
export const skipApologyUpdate = defineUpdate<ComplaintStatus, [SkipApologyInput]>('skipApology');
export const proposeRemedyUpdate = defineUpdate<ComplaintStatus, [ProposeRemedyInput]>('proposeRemedy');
export const decideRemedyUpdate = defineUpdate<ComplaintStatus, [DecideRemedyInput]>('decideRemedy');
export const extendUpdate = defineUpdate<ComplaintStatus, [ExtendInput]>('extend');
export const escalateUpdate = defineUpdate<ComplaintStatus, [EscalateInput]>('escalate');
export const withdrawUpdate = defineUpdate<ComplaintStatus, [WithdrawInput]>('withdraw');
export const resolveUpdate = defineUpdate<ComplaintStatus, [ResolveInput]>('resolve');

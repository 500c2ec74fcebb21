import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { ACTION_NAMES, ACTIONS, type ActionInput, type ActionName } from '../domain/actions';
import type { Actor } from '../domain/actor';
import type { Complaint, Severity } from '../domain/complaint';
import type { CommitmentStatus } from '../domain/commitments';
import type { ConversationPage } from '../domain/conversation';
import type { VulnerabilityStatus } from '../domain/vulnerability';
import type { HeldDraft } from './case-drafts';
import type { DraftCheck, DraftRequest } from '../domain/drafts/check';
import type { InboundData } from '../domain/events';
import type { LinkedFrom } from '../domain/linked-complaint';
import type { PublishBatch } from '../activities';
import type { CarriedCase } from './case-carry';

/**
 * The complaint workflow's name, input and messages: the contract between the workflow and its
 * clients (the bridge, the API, the CLI, tests). Clients import this module, never the workflow.
 * Human actions are updates (validated: a wrong action is refused with a reason and changes nothing);
 * facts from other systems are signals carrying their event id; status and timeline are queries.
 */

export { COMPLAINT_WORKFLOW } from './contract';
import { complaintStartOptions } from './contract';

export interface ComplaintInput {
  complaintId: string;
  complaint: Complaint;
  /** The id of the event or request that opened the complaint, remembered for deduplication. */
  openedBy: { eventId: string; source: string };
  /**
   * The summary's blind-index tokens (platform/search-index.ts), made by whoever opened the complaint
   * (the API, the bridge), which hold the key; the workflow only carries them into its record view, so
   * the store can search summaries without holding their words. Absent on complaints opened before.
   */
  searchTokens?: string[];
  /** Set when an earlier run of the complaint continued as new: what it handed over. */
  carried?: CarriedRun;
  /** Set on a complaint opened for a new matter a reply to another complaint raised (workflows/case-linked.ts). */
  linkedFrom?: LinkedFrom;
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

export { OUTCOMES, REMEDY_KINDS, RESPONSE_KINDS_FOR_RESOLVE, type Outcome, type RemedyKind } from '../domain/actions';
import type { Outcome, RemedyKind } from '../domain/actions';

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
  /** Whether it gives the customer what they asked for; absent when they did not say (or before this was asked). */
  meetsDesiredOutcome?: boolean;
  /** Why it differs from what they asked for, in the words of their final response. */
  explanation?: string;
  status: RemedyStatus;
  proposedBy: string;
  approvedBy?: string;
  needsApproval: boolean;
  failureReason?: string;
}

/**
 * The remedy as the status shows it: with what the customer asked for beside it (their `desiredOutcome`,
 * when they said), so whoever weighs or approves the remedy sees both at once. Read from the complaint,
 * never kept twice in state; the status is read by the same roles as the conversation.
 */
export interface RemedyInStatus extends Remedy {
  desiredOutcome?: string;
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
  remedy?: RemedyInStatus;
  /** Every promise made to the customer, with its due instant and whether it was kept (domain/commitments.ts). */
  commitments: CommitmentStatus[];
  outcome?: Outcome;
  csat?: number;
  reopenCount: number;
  /** Other open or recent complaints of the same customer. */
  repeatOf: string[];
  /** The complaint whose customer's reply raised this one as a new matter; absent for any other. */
  linkedFrom?: string;
  /** The complaints opened for new matters this one's replies raised, oldest first; absent: none. */
  relatedTo?: string[];
  /** Respect-check hits and other things a supervisor should look at. */
  flags: string[];
  receivedAt: string;
  firstResponseAt?: string;
  finalResponseAt?: string;
  /** Vulnerable circumstances (domain/vulnerability.ts): flagged at intake or recorded by an agent; absent: none known. */
  vulnerability?: VulnerabilityStatus;
  /** Drafts held by the respect check for a supervisor (case-drafts.ts), and approved ones not sent yet; absent: none. */
  heldDrafts?: HeldDraft[];
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
/** Every message in and out, personal text included (domain/conversation.ts): for roles that may read it. */
export const conversationQuery = defineQuery<ConversationPage>('conversation');

/** The three above at once, for the complaint page (clients/web). */
export interface ComplaintPageView {
  status: ComplaintStatus;
  timeline: TimelineEntry[];
  conversation: ConversationPage;
}
/**
 * The complaint page's one read: a single round trip to the worker, and a single query for Temporal to
 * buffer while a workflow task is pending, where three in turn cost three of each. No command: a query
 * handler added changes no history, so no patch.
 */
export const pageQuery = defineQuery<ComplaintPageView>('page');

/**
 * Checks a draft of a sending action, sending nothing (domain/drafts; the API renders its letter): one with a severe
 * finding is held in the case for a supervisor's approval. Not an action of the registry: it answers with
 * the draft, not the status, and changes nothing the customer or another system sees.
 */
export const draftUpdate = defineUpdate<DraftCheck, [DraftRequest]>('draft');

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

/**
 * Signal-with-start of a complaint's workflow (the Kafka bridge's intake, and the activity that opens a
 * linked complaint): started if it does not exist, told its complaint arrived again if it does.
 */
export function complaintSignalWithStart(input: ComplaintInput, taskQueue: string) {
  return {
    ...complaintStartOptions(input, taskQueue),
    signal: complaintReceivedSignal,
    signalArgs: [{ eventId: input.openedBy.eventId, source: input.openedBy.source }] as [EventRef],
  };
}
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

// The inputs, derived from the action registry (domain/actions): one declaration of each action.
export type AssignInput = ActionInput<'assign'>;
export type RecordAccountInput = ActionInput<'recordAccount'>;
export type AskQuestionInput = ActionInput<'askQuestion'>;
export type ApologiseInput = ActionInput<'apologise'>;
export type SkipApologyInput = ActionInput<'skipApology'>;
export type ProposeRemedyInput = ActionInput<'proposeRemedy'>;
export type DecideRemedyInput = ActionInput<'decideRemedy'>;
export type ExtendInput = ActionInput<'extend'>;
export type EscalateInput = ActionInput<'escalate'>;
export type WithdrawInput = ActionInput<'withdraw'>;
export type ResolveInput = ActionInput<'resolve'>;
export type ConfirmAccountInput = ActionInput<'confirmAccount'>;
export type AddNoteInput = ActionInput<'addNote'>;
export type AddCommitmentInput = ActionInput<'addCommitment'>;
export type KeepCommitmentInput = ActionInput<'keepCommitment'>;
export type OpenNewMatterInput = ActionInput<'openNewMatter'>;

/** The workflow update of each action, named as in the registry. */
export type ActionUpdates = { [N in ActionName]: UpdateDefinition<ComplaintStatus, [ActionInput<N>]> };
export const ACTION_UPDATES = Object.fromEntries(
  ACTION_NAMES.map((name) => [name, defineUpdate(ACTIONS[name].name)]),
) as ActionUpdates;

export const assignUpdate = ACTION_UPDATES.assign;
export const recordAccountUpdate = ACTION_UPDATES.recordAccount;
export const askQuestionUpdate = ACTION_UPDATES.askQuestion;
export const apologiseUpdate = ACTION_UPDATES.apologise;
export const skipApologyUpdate = ACTION_UPDATES.skipApology;
export const proposeRemedyUpdate = ACTION_UPDATES.proposeRemedy;
export const decideRemedyUpdate = ACTION_UPDATES.decideRemedy;
export const extendUpdate = ACTION_UPDATES.extend;
export const escalateUpdate = ACTION_UPDATES.escalate;
export const withdrawUpdate = ACTION_UPDATES.withdraw;
export const resolveUpdate = ACTION_UPDATES.resolve;
export const confirmAccountUpdate = ACTION_UPDATES.confirmAccount;
export const addNoteUpdate = ACTION_UPDATES.addNote;
export const addCommitmentUpdate = ACTION_UPDATES.addCommitment;
export const keepCommitmentUpdate = ACTION_UPDATES.keepCommitment;
export const openNewMatterUpdate = ACTION_UPDATES.openNewMatter;

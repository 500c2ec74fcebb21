import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Complaint } from '../domain/complaint';
import type { Actor } from '../domain/actor';
import type { InboundData } from '../domain/events';

/**
 * The complaint workflow's name, input and messages: the contract between the workflow and its
 * clients (the bridge, the API, the CLI, tests). Clients import this module, never the workflow.
 */

export const COMPLAINT_WORKFLOW = 'complaintWorkflow';

/** The workflow's signature, for typed starts by name: `client.workflow.start<ComplaintWorkflow>(COMPLAINT_WORKFLOW, …)`. */
export type ComplaintWorkflow = (input: ComplaintInput) => Promise<ComplaintStatus>;

export interface ComplaintInput {
  complaintId: string;
  complaint: Complaint;
  /** The id of the event or request that opened the complaint, remembered for deduplication. */
  openedBy: { eventId: string; source: string };
}

export type Stage =
  'received' | 'acknowledged' | 'listening' | 'apology' | 'remedy' | 'follow-up' | 'resolved' | 'closed' | 'withdrawn';

export interface ClockStatus {
  clock: string;
  deadline: string;
  /** Milliseconds until the deadline at the time of the query; negative once breached. */
  timeLeftMs: number;
  stoppedAt?: string;
  breachedAt?: string;
}

export interface ComplaintStatus {
  complaintId: string;
  stage: Stage;
  escalated: boolean;
  breaches: Array<{ clock: string; at: string }>;
  clocks: ClockStatus[];
  firstResponseAt?: string;
  receivedAt: string;
  category: string;
  channel: string;
  severity: string;
}

/** A fact from another system (via the Kafka bridge), carrying its event id for deduplication. */
export interface EventRef {
  eventId: string;
  source: string;
}

/** Delivered with signal-with-start: a repeated `complaint.received` changes nothing. */
export const complaintReceivedSignal = defineSignal<[EventRef]>('complaintReceived');

export const statusQuery = defineQuery<ComplaintStatus>('status');

/** One change in a complaint's life: who, what, when, why (DESIGN §2). */
export interface TimelineEntry {
  at: string;
  actor: Actor;
  /** What happened: a human action (`account-recorded`), a fact (`customer.replied`), a timer (`deadline-breached`). */
  action: string;
  /** Why, or the gist of what changed. */
  detail?: string;
  /** The id of the external event that caused it, for facts from other systems. */
  eventId?: string;
  /** Things a supervisor should look at, e.g. phrasing flagged by the respect check. */
  flags?: string[];
}

/** Every change, oldest first. A repeated event id never appears twice. */
export const timelineQuery = defineQuery<TimelineEntry[]>('timeline');

export interface RecordAccountInput {
  actor: Actor;
  /** The customer's own account, in their words as captured by the agent. */
  account: string;
}

/** The agent records the customer's account: the first human response to the customer. */
export const recordAccountUpdate = defineUpdate<ComplaintStatus, [RecordAccountInput]>('recordAccount');

/** A fact from an upstream system, as the bridge delivers it: the event's id, origin and payload. */
export interface ExternalFact<D> {
  eventId: string;
  source: string;
  occurredAt: string;
  data: D;
}

export const customerRepliedSignal = defineSignal<[ExternalFact<InboundData<'customer.replied'>>]>('customerReplied');
export const customerWithdrewSignal =
  defineSignal<[ExternalFact<InboundData<'customer.withdrew'>>]>('customerWithdrew');
export const remedyFulfilledSignal = defineSignal<[ExternalFact<InboundData<'remedy.fulfilled'>>]>('remedyFulfilled');
export const remedyFailedSignal = defineSignal<[ExternalFact<InboundData<'remedy.failed'>>]>('remedyFailed');
export const surveyRespondedSignal = defineSignal<[ExternalFact<InboundData<'survey.responded'>>]>('surveyResponded');

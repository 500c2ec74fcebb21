import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { metricMeter } from '@temporalio/activity';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { calendarSnapshotCovering } from '../platform/calendar';
import { permanentFailure } from './publish-failure';
import type { CalendarSnapshot } from '../domain/clock';
import { assessSeverity } from '../domain/assess';
import type { Complaint, Severity } from '../domain/complaint';
import { REDRESS_SOURCE, type OutboundEvent } from '../domain/events';
import {
  complaintIdFromWorkflowId,
  complaintWorkflowId,
  notificationEventId,
  remedyRequestEventId,
} from '../domain/ids';
import { regionFor, selectPolicy, type Policy } from '../domain/policy';
import { SA } from '../workflows/search-attributes';
import { complaintSignalWithStart, type ComplaintInput } from '../workflows/messages';
import type { Topics } from '../domain/topics';
import { renderNotification, type NotificationRequest } from './notifications';
import type { Publisher } from './publisher';

export interface ActivityDeps {
  publisher: Publisher;
  topics: Topics;
  logger: Logger;
  /** The policy catalogue (shipped + operator's), loaded once when the worker starts. */
  policies: readonly Policy[];
  /** For finding a customer's other complaints; without it no repeat is ever flagged. */
  client?: Client;
  /**
   * Where a linked complaint (a new matter a reply raised) is started: the complaint workflow's type
   * and task queue on this client. Without it `openLinkedComplaint` fails and the complaint is flagged.
   */
  opener?: {
    client: Client;
    workflowType: string;
    taskQueue: string;
    /** The summaries' blind index (platform/search-index.ts): the new complaint's summary is indexed like any. */
    search?: { tokensOf(text: string): string[] };
  };
}

/** What intake decides about a complaint, recorded in history so replay never recomputes it. */
export interface Assessment {
  /** The policy version in force at receipt: the complaint keeps it for life. */
  policy: Policy;
  region: string;
  /** The region's business calendar around receipt (zone, hours, holidays). */
  snapshot: CalendarSnapshot;
  severity: Severity;
  /** Other open or recent (90 days) complaints of the same customer. */
  repeatOf: string[];
}

/** A request for the fulfilment system on `complaints.remedies`. */
export interface RemedyRequest {
  complaintId: string;
  remedyId: string;
  kind: string;
  description: string;
  amount?: number;
  currency?: string;
  dueBy?: string;
  customerId: string;
}

/** Everything one workflow step publishes, in one activity call (fewer history events per step). */
export interface PublishBatch {
  notifications?: NotificationRequest[];
  remedies?: RemedyRequest[];
  lifecycle?: OutboundEvent[];
  /**
   * Complaints to open for new matters replies raised (workflows/case-linked.ts). Not published: the
   * outbox hands each to `openLinkedComplaint`, in the same order and with the same retries.
   */
  linked?: ComplaintInput[];
}

/** A message that can never be published (the broker refused it, or it could not be rendered). */
export interface PublishFailure {
  eventId: string;
  topic: string;
  /** The notification kind, or the event type. */
  kind: string;
  reason: string;
}

/** What a publish did: every message sent except those in `failed`, which no retry can send. */
export interface PublishReport {
  failed: PublishFailure[];
}

const RECENT_DAYS = 90;

/** Counts a message that can never be published, in the worker's Prometheus metrics (by topic). */
function publishFailures(topic: string): void {
  metricMeter.createCounter('redress_publish_failed', 'messages', 'Messages that could never be published').add(1, {
    topic,
  });
}

/**
 * The complaint workflow's side effects. A factory, so the worker injects one shared Kafka producer,
 * the policies and a logger. Every publish carries an id derived from the workflow's step: a retried
 * activity publishes the same event again, which consumers drop.
 */
export function createActivities({ publisher, topics, logger, policies, client, opener }: ActivityDeps) {
  return {
    /**
     * Opens the complaint for a new matter a reply raised, as a workflow of its own (signal-with-start).
     * Its id is derived from the first complaint and the reply, so a retried attempt, or the same reply
     * marked twice, finds the complaint already there: signalled (it remembers the event and ignores it),
     * or, once it has ended, refused by the reuse policy, which is the same answer: it exists.
     */
    async openLinkedComplaint(input: ComplaintInput): Promise<void> {
      if (!opener) {
        throw ApplicationFailure.nonRetryable('this worker cannot start complaints (no opener)', 'NoOpener');
      }
      // Indexed here, not in the workflow: the key is the process's, and the tokens of a retry are the same.
      const indexed = opener.search
        ? { ...input, searchTokens: opener.search.tokensOf(input.complaint.summary) }
        : input;
      try {
        await opener.client.workflow.signalWithStart(
          opener.workflowType,
          complaintSignalWithStart(indexed, opener.taskQueue),
        );
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      // Ids only: the new complaint's words are the customer's.
      logger.info(
        { complaintId: input.complaintId, linkedFrom: input.linkedFrom?.complaintId },
        'linked complaint opened',
      );
    },

    /** Picks the regime and its calendar, assesses severity, and looks for the customer's other complaints. */
    async assess(complaintId: string, complaint: Complaint, asOf?: string): Promise<Assessment> {
      const policy = selectPolicy(
        policies,
        {
          jurisdiction: complaint.customer.jurisdiction,
          ...(complaint.product ? { product: complaint.product } : {}),
          category: complaint.category,
          ...(complaint.referral ? { referredBy: complaint.referral.by } : {}),
        },
        complaint.receivedAt,
      );
      const region = regionFor(policy, complaint.customer.jurisdiction, complaint.firmSite);
      // From receipt to two years after the later of receipt and now: a complaint received long ago is
      // still worked today (the legacy engine passes no `asOf` and gets the range around receipt).
      // A regulator's referral was sent before receipt, and its clocks count from then.
      const from = complaint.referral?.sentAt ?? complaint.receivedAt;
      const snapshot = calendarSnapshotCovering(region, from, asOf ?? complaint.receivedAt);
      const repeatOf = client ? await findOtherComplaints(client, complaint.customer.id, complaintId, logger) : [];
      logger.info(
        { complaintId, regime: policy.id, version: policy.version, region, repeats: repeatOf.length },
        'assessed',
      );
      return { policy, region, snapshot, severity: assessSeverity(complaint), repeatOf };
    },

    /**
     * A business calendar covering `from` to two years after `through`: the workflow asks for a wider
     * one before the one it has runs out, so a complaint open for years keeps its clocks.
     */
    calendar(region: string, from: string, through: string): Promise<CalendarSnapshot> {
      return Promise.resolve(calendarSnapshotCovering(region, from, through));
    },

    /**
     * Publishes a step's notifications, remedy requests and lifecycle events, in that order. A message
     * that can never be published (refused by the broker, a template that cannot render) is reported
     * in the result and the rest go on; anything else (the broker away) fails the attempt, and the retry
     * republishes the same ids, which consumers drop.
     */
    async publish(batch: PublishBatch, occurredAt: string): Promise<PublishReport> {
      const failed: PublishFailure[] = [];
      const permanently = (err: unknown, f: Omit<PublishFailure, 'reason'>): void => {
        const reason = permanentFailure(err);
        if (reason === undefined) throw err;
        failed.push({ ...f, reason });
        publishFailures(f.topic);
        logger.error(
          { complaintId: batch.lifecycle?.[0]?.complaintId, ...f, reason },
          'message can never be published',
        );
      };
      for (const req of batch.notifications ?? []) {
        const eventId = notificationEventId(req.complaintId, req.step);
        try {
          const rendered = renderNotification(req);
          const event: OutboundEvent = {
            eventId,
            type: 'notification.requested',
            complaintId: req.complaintId,
            occurredAt: req.occurredAt ?? occurredAt,
            source: REDRESS_SOURCE,
            data: { ...rendered },
          };
          await publisher.publish(topics.notifications, req.complaintId, event, { eventId, type: event.type });
          logger.info({ complaintId: req.complaintId, kind: req.kind, eventId }, 'notification published');
        } catch (err) {
          permanently(err, { eventId, topic: topics.notifications, kind: req.kind });
        }
      }
      for (const req of batch.remedies ?? []) {
        const eventId = remedyRequestEventId(req.complaintId, req.remedyId);
        const { complaintId, ...data } = req;
        const event: OutboundEvent = {
          eventId,
          type: 'remedy.requested',
          complaintId,
          occurredAt,
          source: REDRESS_SOURCE,
          data: { ...data, idempotencyKey: req.remedyId },
        };
        try {
          await publisher.publish(topics.remedies, complaintId, event, { eventId, type: event.type });
          logger.info({ complaintId, remedyId: req.remedyId, eventId }, 'remedy requested');
        } catch (err) {
          permanently(err, { eventId, topic: topics.remedies, kind: event.type });
        }
      }
      for (const event of batch.lifecycle ?? []) {
        try {
          await publisher.publish(topics.lifecycle, event.complaintId, event, {
            eventId: event.eventId,
            type: event.type,
          });
          logger.info(
            { complaintId: event.complaintId, type: event.type, eventId: event.eventId },
            'lifecycle event published',
          );
        } catch (err) {
          permanently(err, { eventId: event.eventId, topic: topics.lifecycle, kind: event.type });
        }
      }
      return { failed };
    },
  };
}

/**
 * Best effort: a visibility outage must not hold up a complaint's intake (and its acknowledgement), so
 * a failed look-up is logged and the complaint is taken in without the repeat flag.
 */
async function findOtherComplaints(
  client: Client,
  customerId: string,
  complaintId: string,
  logger: Logger,
): Promise<string[]> {
  try {
    return await listOtherComplaints(client, customerId, complaintId);
  } catch (err) {
    logger.warn({ complaintId, err: (err as Error).message }, 'repeat-complaint look-up failed; continuing without it');
    return [];
  }
}

async function listOtherComplaints(client: Client, customerId: string, complaintId: string): Promise<string[]> {
  const since = new Date(Date.now() - RECENT_DAYS * 86_400_000).toISOString();
  const quoted = customerId.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const query =
    `${SA.customerId.name} = '${quoted}' AND WorkflowId != '${complaintWorkflowId(complaintId)}' ` +
    `AND (ExecutionStatus = 'Running' OR CloseTime > '${since}')`;
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query, pageSize: 20 })) {
    const id = complaintIdFromWorkflowId(wf.workflowId);
    if (id) ids.push(id);
    if (ids.length >= 20) break;
  }
  return ids.sort();
}

export type ComplaintActivities = ReturnType<typeof createActivities>;

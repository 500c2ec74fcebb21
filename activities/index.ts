import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { calendarSnapshotAround } from '../domain/calendar';
import type { CalendarSnapshot } from '../domain/clock';
import { assessSeverity } from '../domain/assess';
import type { Complaint, Severity } from '../domain/complaint';
import { REDRESS_SOURCE, type OutboundEvent } from '../domain/events';
import { complaintIdFromWorkflowId, complaintWorkflowId, publishedEventId } from '../domain/ids';
import { regionFor, selectPolicy, type Policy } from '../domain/policy';
import { SA } from '../domain/search-attributes';
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
}

const RECENT_DAYS = 90;

/**
 * The complaint workflow's side effects. A factory, so the worker injects one shared Kafka producer,
 * the policies and a logger. Every publish carries an id derived from the workflow's step: a retried
 * activity publishes the same event again, which consumers drop.
 */
export function createActivities({ publisher, topics, logger, policies, client }: ActivityDeps) {
  return {
    /** Picks the regime and its calendar, assesses severity, and looks for the customer's other complaints. */
    async assess(complaintId: string, complaint: Complaint): Promise<Assessment> {
      const policy = selectPolicy(
        policies,
        {
          jurisdiction: complaint.customer.jurisdiction,
          ...(complaint.product ? { product: complaint.product } : {}),
          category: complaint.category,
        },
        complaint.receivedAt,
      );
      const region = regionFor(policy, complaint.customer.jurisdiction);
      const snapshot = calendarSnapshotAround(region, complaint.receivedAt);
      const repeatOf = client ? await findOtherComplaints(client, complaint.customer.id, complaintId, logger) : [];
      logger.info(
        { complaintId, regime: policy.id, version: policy.version, region, repeats: repeatOf.length },
        'assessed',
      );
      return { policy, region, snapshot, severity: assessSeverity(complaint), repeatOf };
    },

    /** Publishes a step's notifications, remedy requests and lifecycle events, in that order. */
    async publish(batch: PublishBatch, occurredAt: string): Promise<void> {
      for (const req of batch.notifications ?? []) {
        const rendered = renderNotification(req);
        const eventId = publishedEventId(req.complaintId, `notify:${req.step}`);
        const event: OutboundEvent = {
          eventId,
          type: 'notification.requested',
          complaintId: req.complaintId,
          occurredAt,
          source: REDRESS_SOURCE,
          data: { ...rendered },
        };
        await publisher.publish(topics.notifications, req.complaintId, event, { eventId, type: event.type });
        logger.info({ complaintId: req.complaintId, kind: req.kind, eventId }, 'notification published');
      }
      for (const req of batch.remedies ?? []) {
        const eventId = publishedEventId(req.complaintId, `remedy-request:${req.remedyId}`);
        const { complaintId, ...data } = req;
        const event: OutboundEvent = {
          eventId,
          type: 'remedy.requested',
          complaintId,
          occurredAt,
          source: REDRESS_SOURCE,
          data: { ...data, idempotencyKey: req.remedyId },
        };
        await publisher.publish(topics.remedies, complaintId, event, { eventId, type: event.type });
        logger.info({ complaintId, remedyId: req.remedyId, eventId }, 'remedy requested');
      }
      for (const event of batch.lifecycle ?? []) {
        await publisher.publish(topics.lifecycle, event.complaintId, event, {
          eventId: event.eventId,
          type: event.type,
        });
        logger.info(
          { complaintId: event.complaintId, type: event.type, eventId: event.eventId },
          'lifecycle event published',
        );
      }
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

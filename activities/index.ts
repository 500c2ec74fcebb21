import type { Logger } from 'pino';
import type { OutboundEvent } from '../domain/events';
import { publishedEventId } from '../domain/ids';
import type { Topics } from '../domain/topics';
import { renderNotification, type NotificationRequest } from './notifications';
import type { Publisher } from './publisher';

export interface ActivityDeps {
  publisher: Publisher;
  topics: Topics;
  logger: Logger;
}

/**
 * The complaint workflow's side effects. A factory, so the worker injects one shared Kafka producer
 * and a logger. Every publish carries an id derived from the workflow's step: a retried activity
 * publishes the same event again, which consumers drop.
 */
export function createActivities({ publisher, topics, logger }: ActivityDeps) {
  return {
    /** Publishes a lifecycle event on `complaints.lifecycle`. */
    async publishLifecycle(event: OutboundEvent): Promise<void> {
      await publisher.publish(topics.lifecycle, event.complaintId, event, { eventId: event.eventId, type: event.type });
      logger.info(
        { complaintId: event.complaintId, type: event.type, eventId: event.eventId },
        'lifecycle event published',
      );
    },

    /** Renders a customer message from its template and publishes it on `complaints.notifications`. */
    async sendNotification(req: NotificationRequest, occurredAt: string): Promise<void> {
      const rendered = renderNotification(req);
      const eventId = publishedEventId(req.complaintId, `notify:${req.step}`);
      const event: OutboundEvent = {
        eventId,
        type: 'notification.requested',
        complaintId: req.complaintId,
        occurredAt,
        source: 'redress',
        data: { ...rendered },
      };
      await publisher.publish(topics.notifications, req.complaintId, event, { eventId, type: event.type });
      logger.info({ complaintId: req.complaintId, kind: req.kind, eventId }, 'notification published');
    },
  };
}

export type ComplaintActivities = ReturnType<typeof createActivities>;

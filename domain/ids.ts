/**
 * Identifiers derived, never generated: the same complaint always maps to the same workflow, and a
 * retried step always publishes the same event id, so every consumer can deduplicate.
 */

/** What a complaint id may contain: safe in a workflow id, a Kafka key, a URL path and a log line. */
export const COMPLAINT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** The Temporal workflow id of a complaint: one workflow per complaint, ever. */
export function complaintWorkflowId(complaintId: string): string {
  return `complaint-${complaintId}`;
}

/** The complaint id back from a workflow id made by {@link complaintWorkflowId}, or undefined. */
export function complaintIdFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith('complaint-') ? workflowId.slice('complaint-'.length) : undefined;
}

/**
 * The id of an event Redress publishes: the complaint plus the workflow step that published it.
 * A retried activity publishes the same id again, which consumers drop.
 */
export function publishedEventId(complaintId: string, step: string): string {
  return `redress:${complaintId}:${step}`;
}

/** The id of the notification event a workflow step asked for. */
export function notificationEventId(complaintId: string, step: string): string {
  return publishedEventId(complaintId, `notify:${step}`);
}

/** The mailer's idempotency key of a notification: it sends once per key (DESIGN §4). */
export function notificationKey(complaintId: string, step: string): string {
  return `${complaintId}:${step}`;
}

/** The id of the remedy request event for a remedy. */
export function remedyRequestEventId(complaintId: string, remedyId: string): string {
  return publishedEventId(complaintId, `remedy-request:${remedyId}`);
}

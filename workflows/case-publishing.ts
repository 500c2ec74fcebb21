import type { PublishFailure } from '../activities';
import { SYSTEM_ACTOR } from '../domain/actor';
import { COMPLAINT_UPDATED } from '../domain/complaint-view';
import type { ComplaintCase } from './case';

/**
 * What the engine does around publishing, after every change and when the publisher gives up: the
 * record view queued when it changed, and failures made visible to people.
 */

/**
 * Queues `complaint.updated` with the complaint's record view when any of it changed since the last
 * one (the store's complaint row), numbered so the newest wins however deliveries are ordered.
 */
export function queueViewIfChanged(complaint: ComplaintCase, now: number): void {
  const view = complaint.view();
  const key = JSON.stringify(view);
  if (key === complaint.lastView) return;
  complaint.lastView = key;
  complaint.viewRevision += 1;
  complaint.lifecycle(now, COMPLAINT_UPDATED, `view:${complaint.viewRevision}`, {
    revision: complaint.viewRevision,
    ...view,
  });
}

/**
 * Messages the publisher could not publish after its retries (the broker refused them, or they could
 * not be rendered): on the timeline and the status's flags, and a supervisor alert, so a letter that
 * never left is seen by a person. The complaint goes on.
 */
export function onPublishFailed(complaint: ComplaintCase, now: number, failures: readonly PublishFailure[]): void {
  for (const f of failures) {
    const text = `${f.kind} ${f.eventId} was not published: ${f.reason}`;
    complaint.flags.push(text);
    complaint.record(now, SYSTEM_ACTOR, 'publish-failed', text, [text]);
    // An alert that itself could not be published is not alerted again (that could loop).
    if (f.kind !== 'supervisor-alert') complaint.alertSupervisor('message not published', text);
  }
  const limit = complaint.options.timelineLimit;
  if (limit !== undefined && complaint.flags.length > limit) complaint.flags.splice(0, complaint.flags.length - limit);
}

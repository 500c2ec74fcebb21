import type { NotificationKind, NotificationRequest } from '../activities/notifications';
import { notificationKey } from '../domain/ids';
import { messageChannel } from '../domain/written-channel';
import type { ComplaintCase } from './case';
import { scheduleProgressUpdate } from './case-progress';
import { letterEntry } from './conversation-log';

/** The patch gating the written-channel flag: histories recorded before raise none. */
export const WRITTEN_CHANNEL_PATCH = 'redress-written-channel';

const NO_WRITTEN_ADDRESS = 'no written address: a letter that must be written has no email or postal address to go to';

/**
 * Queues a letter to the customer in the outbox, puts it in the conversation, and moves the next
 * progress update on (every customer letter keeps them informed).
 */
export function queueCustomerLetter(
  complaint: ComplaintCase,
  now: number,
  kind: NotificationKind,
  step: string,
  vars: Record<string, string>,
): void {
  const details = complaint.input.complaint;
  const request: NotificationRequest = {
    complaintId: complaint.complaintId,
    step,
    kind,
    regime: complaint.policy.id,
    customer: details.customer,
    channel: letterChannel(complaint, now, kind),
    vars,
    timeZone: complaint.assessment.snapshot.zone,
  };
  complaint.outbox.notifications.push(request);
  complaint.conversation.add(
    letterEntry(now, kind, request.channel, notificationKey(complaint.complaintId, step), vars),
  );
  scheduleProgressUpdate(complaint, now);
}

/**
 * A written kind goes by email or post, never by phone; with no written address, a person is asked to
 * find one (flagged once, the supervisor alerted; behind the engine's `patched` gate).
 */
function letterChannel(complaint: ComplaintCase, now: number, kind: NotificationKind): NotificationRequest['channel'] {
  const details = complaint.input.complaint;
  const { channel, noWrittenAddress } = messageChannel(kind, details.customer, details.channel);
  if (noWrittenAddress && !complaint.flags.includes(NO_WRITTEN_ADDRESS) && complaint.options.writtenChannel?.()) {
    complaint.flag(now, NO_WRITTEN_ADDRESS);
    complaint.alertSupervisor(
      'no written address',
      `the ${kind} must be written: find the customer's email or postal address`,
    );
  }
  return channel;
}

import type { Customer } from '../domain/complaint';
import { notificationKey } from '../domain/ids';
import type { StaffRecipient } from '../domain/policy/ladder';
import { renderCustomerLetter, type NotificationKind } from '../domain/letters/templates';

export type { NotificationKind } from '../domain/letters/templates';

/** What the workflow asks to be sent; the activity renders and publishes it. */
export interface NotificationRequest {
  complaintId: string;
  /** The workflow step that sends it; with the complaint id it makes the idempotency key. */
  step: string;
  kind: NotificationKind;
  /** The regime whose wording applies (`fca-disp` adds the ombudsman paragraphs, …). */
  regime: string;
  /** The customer, or undefined for a message to staff (`staff`, else the supervisors). */
  customer?: Customer;
  /** A warning ladder's recipient (a role, or an assignee by id); never with `customer`. */
  staff?: StaffRecipient;
  channel: string;
  /** Values the template fills in (deadline, question, apology text...). */
  vars: Record<string, string>;
  /**
   * The IANA zone of the complaint's business calendar: instants in the letter are written in words in
   * it. Absent on requests queued before it was carried, then UTC.
   */
  timeZone?: string;
  /** When the workflow decided to send it (the outbox stamps it; the batch's instant otherwise). */
  occurredAt?: string;
}

/** The rendered message, as published on `complaints.notifications` inside the event envelope. */
export interface RenderedNotification {
  kind: NotificationKind;
  channel: string;
  locale: string;
  recipient:
    | { type: 'customer'; customerId: string; name: string; email?: string; phone?: string }
    | { type: 'supervisors'; assignee?: string }
    | StaffRecipient;
  subject: string;
  body: string;
  /** The mailer sends a message once per key, however often it is delivered. */
  idempotencyKey: string;
}

/** Renders a notification; a missing template variable is an error, never a blank in a letter. */
export function renderNotification(req: NotificationRequest): RenderedNotification {
  const { subject, body, locale } = renderCustomerLetter({
    ...req,
    ...(req.customer ? { customer: req.customer } : {}),
    ...(req.timeZone !== undefined ? { timeZone: req.timeZone } : {}),
  });
  return {
    kind: req.kind,
    channel: req.channel,
    locale,
    recipient: req.customer
      ? {
          type: 'customer',
          customerId: req.customer.id,
          name: req.customer.name,
          ...(req.customer.email ? { email: req.customer.email } : {}),
          ...(req.customer.phone ? { phone: req.customer.phone } : {}),
        }
      : (req.staff ?? { type: 'supervisors', ...(req.vars.assignee ? { assignee: req.vars.assignee } : {}) }),
    subject,
    body,
    idempotencyKey: notificationKey(req.complaintId, req.step),
  };
}

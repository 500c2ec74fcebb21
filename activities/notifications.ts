import type { Customer } from '../domain/complaint';
import { notificationKey } from '../domain/ids';
import type { StaffRecipient } from '../domain/policy/ladder';
import type { Attachment } from '../domain/letters/firm-settings';
import type { TemplateSet } from '../domain/letters/template-set';
import { renderCustomerLetter, type NotificationKind } from '../domain/letters/templates';
import { deploymentTemplates } from '../platform/template-files';

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
  /** The locale the letter is actually in: the customer's, else its language's or en-GB (staff kinds are English). */
  locale: string;
  recipient:
    | { type: 'customer'; customerId: string; name: string; email?: string; phone?: string }
    | { type: 'supervisors'; assignee?: string }
    | StaffRecipient;
  subject: string;
  body: string;
  /** Documents the letter says are enclosed, by reference (absent when none: additive to the contract). */
  attachments?: Attachment[];
  /** The mailer sends a message once per key, however often it is delivered. */
  idempotencyKey: string;
}

/**
 * Renders a notification with the deployment's templates (the same set the API renders drafts with); a
 * missing template variable is an error, never a blank in a letter.
 */
export function renderNotification(
  req: NotificationRequest,
  templates: TemplateSet = deploymentTemplates(),
): RenderedNotification {
  const { subject, body, locale, attachments } = renderCustomerLetter(templates, {
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
    ...(attachments.length > 0 ? { attachments } : {}),
    idempotencyKey: notificationKey(req.complaintId, req.step),
  };
}

import type { Customer } from '../domain/complaint';

/** What the workflow asks to be sent to a customer; the activity renders and publishes it. */
export interface NotificationRequest {
  complaintId: string;
  /** The workflow step that sends it; with the complaint id it makes the idempotency key. */
  step: string;
  kind: NotificationKind;
  customer: Customer;
  channel: string;
  /** Values the template fills in (deadline, question, apology text...). */
  vars: Record<string, string>;
}

export type NotificationKind = 'acknowledgement' | 'account-confirmation';

/** The rendered message, as published on `complaints.notifications` inside the event envelope. */
export interface RenderedNotification {
  kind: NotificationKind;
  channel: string;
  locale: string;
  recipient: { customerId: string; name: string; email?: string; phone?: string };
  subject: string;
  body: string;
  /** The mailer sends a message once per key, however often it is delivered. */
  idempotencyKey: string;
}

const TEMPLATES: Record<NotificationKind, { subject: string; body: string }> = {
  acknowledgement: {
    subject: 'We have received your complaint ({{complaintId}})',
    body:
      'Dear {{name}},\n\nThank you for telling us about this. Your complaint reference is {{complaintId}}.\n' +
      'A member of our team will reply to you by {{firstResponseDeadline}} at the latest.\n\n' +
      'We are sorry you have had reason to complain, and we will keep you informed.',
  },
  'account-confirmation': {
    subject: 'What we understood from you ({{complaintId}})',
    body:
      'Dear {{name}},\n\nThank you for explaining what happened. This is what we understood:\n\n{{account}}\n\n' +
      'If we have missed or misunderstood anything, please reply and tell us.',
  },
};

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`template variable "${name}" has no value`);
    return value;
  });
}

/** Renders a notification; a missing template variable is an error, never a blank in a letter. */
export function renderNotification(req: NotificationRequest): RenderedNotification {
  const template = TEMPLATES[req.kind];
  const vars = { ...req.vars, complaintId: req.complaintId, name: req.customer.name };
  return {
    kind: req.kind,
    channel: req.channel,
    locale: req.customer.locale ?? 'en-GB',
    recipient: {
      customerId: req.customer.id,
      name: req.customer.name,
      ...(req.customer.email ? { email: req.customer.email } : {}),
      ...(req.customer.phone ? { phone: req.customer.phone } : {}),
    },
    subject: fill(template.subject, vars),
    body: fill(template.body, vars),
    idempotencyKey: `${req.complaintId}:${req.step}`,
  };
}

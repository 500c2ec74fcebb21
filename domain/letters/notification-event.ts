import { z } from 'zod';
import { LADDER_ROLES } from '../policy/vocabulary';
import { AttachmentSchema } from './firm-settings';
import { NOTIFICATION_KINDS } from './kinds';

/**
 * `data` of `notification.requested` on `complaints.notifications` (docs/events.md): the contract the
 * mailer and the contact centre read, declared once so docs/schemas/notification.requested.schema.json is
 * generated from it and a test holds every rendered notification to it. `attachments` is additive: absent
 * when the letter encloses nothing.
 */
export const NotificationDataSchema = z.strictObject({
  kind: z.enum(NOTIFICATION_KINDS),
  channel: z.string().min(1),
  /** The locale the letter is actually in (its words and dates), after any fallback. */
  locale: z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/),
  recipient: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('customer'),
      customerId: z.string().min(1),
      name: z.string(),
      email: z.string().optional(),
      phone: z.string().optional(),
    }),
    z.strictObject({ type: z.literal('supervisors'), assignee: z.string().optional() }),
    z.strictObject({
      type: z.literal('staff'),
      role: z.enum(LADDER_ROLES),
      staffId: z.string().optional(),
      ladder: z.enum(LADDER_ROLES).optional(),
    }),
  ]),
  subject: z.string().min(1),
  body: z.string().min(1),
  /** Documents the letter says are enclosed, by reference: fetch by `url` or `documentId`, check by `sha256`. */
  attachments: z.array(AttachmentSchema).min(1).optional(),
  idempotencyKey: z.string().min(1),
});
export type NotificationData = z.infer<typeof NotificationDataSchema>;

import { z } from 'zod';
import { isInstant } from './clock/instant';
import { COMPLAINT_ID_PATTERN } from './ids';
import { REFERRING_REGULATORS } from './policy/vocabulary';
import { IntakeVulnerabilitySchema } from './vulnerability';

/**
 * The complaint as upstream systems describe it (the `data` of `complaint.received`, DESIGN §4).
 * Limits on every string keep one oversized field from filling workflow history or a Kafka batch.
 */

export const CHANNELS = ['email', 'phone', 'web', 'chat', 'social', 'letter', 'in-person', 'api'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export const ChannelSchema = z.enum(CHANNELS);
export const SeveritySchema = z.enum(SEVERITIES);
export type Channel = z.infer<typeof ChannelSchema>;
export type Severity = z.infer<typeof SeveritySchema>;

export const ComplaintIdSchema = z
  .string()
  .regex(
    COMPLAINT_ID_PATTERN,
    'must be 1-100 letters, digits, dot, underscore, colon or hyphen, starting with a letter or digit',
  );

/** ISO-8601 instant with an explicit offset, so no reader has to guess a time zone. */
// RFC 3339's date-time (the document's `format`) allows offsets to ±23:59; the clocks read no offset
// beyond ±18:00 (as ECMAScript and java.time), so such an instant is refused here, with its field named,
// rather than failing deep in a clock.
export const InstantSchema = z.iso
  // `abort`: a string that is no date-time at all gets that one message, not this one as well.
  .datetime({ offset: true, abort: true })
  .refine(isInstant, 'must be an exact instant: its UTC offset at most ±18:00');

/** A short code: ISO country or subdivision (GB, GB-SCT, US-NY). */
export const JurisdictionSchema = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 code such as GB, GB-SCT or US');

const text = (max: number) => z.string().trim().min(1).max(max);

export const CustomerSchema = z.strictObject({
  id: text(100),
  name: text(200),
  email: z.email().max(320).optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,30}$/, 'must be a phone number')
    .optional(),
  preferredChannel: ChannelSchema.optional(),
  locale: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a locale such as en or en-GB')
    .optional(),
  jurisdiction: JurisdictionSchema,
  /** Vulnerable circumstances the upstream system already knows of (domain/vulnerability.ts); absent: none known. */
  vulnerability: IntakeVulnerabilitySchema.optional(),
});
export type Customer = z.infer<typeof CustomerSchema>;

/**
 * A complaint a regulator sent the firm (the CFPB's portal): its deadlines run from when the regulator
 * sent it, not from when the firm's systems picked it up. Additive to the contract.
 */
export const ReferralSchema = z.strictObject({
  by: z.enum(REFERRING_REGULATORS),
  /** When the regulator sent the complaint to the company. */
  sentAt: InstantSchema,
  /** The regulator's own case number, for the firm's reply through its portal. */
  reference: text(100).optional(),
});
export type Referral = z.infer<typeof ReferralSchema>;

export const ComplaintSchema = z.strictObject({
  customer: CustomerSchema,
  channel: ChannelSchema,
  category: text(60),
  product: text(60).optional(),
  severity: SeveritySchema.optional(),
  summary: text(200),
  description: text(10_000),
  desiredOutcome: text(2_000).optional(),
  receivedAt: InstantSchema,
  referral: ReferralSchema.optional(),
  /**
   * Where the firm handles the complaint (ISO 3166, e.g. GB-SCT): business days follow "the part of the
   * UK where the thing is done", so its calendar counts, not the customer's home. Absent: the customer's
   * jurisdiction. Additive to the contract.
   */
  firmSite: JurisdictionSchema.optional(),
});
export type Complaint = z.infer<typeof ComplaintSchema>;

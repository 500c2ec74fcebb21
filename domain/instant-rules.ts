import { addDuration, describeDuration, toEpochMs, toIso } from './clock';
import type { CalendarSnapshot, InstantInput } from './clock';
import { afterCloseOfBusinessFor } from './policy/plan';
import type { Policy } from './policy/schema';
import type { FieldError } from './validation';

/**
 * The rules every caller-supplied instant must meet, declared once for every way in (the HTTP API
 * and the Kafka bridge): an instant Redress accepts must be one it can run a complaint from. A
 * receipt before any policy was in force has no regime, so its assessment could never succeed; one
 * in the future would start clocks that have not begun. Pure: the caller passes `now` and the policy
 * catalogue's earliest `effectiveFrom` (domain code reads neither the clock nor files).
 */

/**
 * How far ahead of this server's clock a supplied instant may be: upstream systems' clocks drift,
 * and an event stamped a few minutes ahead is still a real event, not a future one.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The latest `expectedBy` when the regime derives no limit for a holding response: a year from now. */
export const EXPECTED_BY_CAP_MS = 366 * 86_400_000;

/** A remedy's promised due date, in whole days from when it is approved (the `dueInDays` of propose-remedy). */
export const REMEDY_DUE_DAYS = { min: 1, max: 90 } as const;

/** What the instant rules are checked against: the present and the start of the policy catalogue. */
export interface InstantBounds {
  /** The present, epoch milliseconds (the caller's clock: `Date.now()` in a process). */
  readonly now: number;
  /** The earliest `effectiveFrom` of the loaded policies, epoch milliseconds (see {@link earliestEffectiveFrom}). */
  readonly earliest: number;
}

/** The latest instant a holding response may promise the final response by, and why. */
export interface ExpectedByLimit {
  /** Epoch milliseconds. */
  readonly latest: number;
  /** In words, for the error: `35 business days after receipt (fca-payments)`. */
  readonly why: string;
}

/**
 * The earliest `effectiveFrom` of a policy catalogue, epoch milliseconds: no complaint received before
 * it has a regime. Throws when the catalogue is empty, which no running process should have.
 */
export function earliestEffectiveFrom(policies: readonly Pick<Policy, 'effectiveFrom'>[]): number {
  if (policies.length === 0) throw new RangeError('the policy catalogue is empty: load the policies first');
  return Math.min(...policies.map((p) => toEpochMs(p.effectiveFrom)));
}

/**
 * A supplied instant of something that has happened (`receivedAt` of a complaint, `occurredAt` of an
 * event): not after `now` plus {@link CLOCK_SKEW_MS}, and not before the earliest policy. `value` is an
 * ISO-8601 instant already validated by its schema. Returns the problem naming `field`, or undefined.
 */
export function checkPastInstant(field: string, value: InstantInput, bounds: InstantBounds): FieldError | undefined {
  const at = toEpochMs(value);
  if (at > bounds.now + CLOCK_SKEW_MS) {
    return {
      field,
      message:
        `must not be in the future: at most ${CLOCK_SKEW_MS / 60_000} minutes after the server's clock ` +
        `(${toIso(bounds.now)}); check the sender's clock and time zone`,
    };
  }
  if (at < bounds.earliest) {
    return {
      field,
      message:
        `must not be before ${toIso(bounds.earliest)}, when the earliest complaint policy came into force: ` +
        'no regime applies to an earlier instant; check the date (an epoch of 0 is usually a missing value)',
    };
  }
  return undefined;
}

/**
 * A regulator's referral (`referral.sentAt`): a past instant Redress can run from, and not after the
 * firm's own receipt (the regulator sent it before the firm received it). `prefix` names the field's
 * place (`data.` on the bridge).
 */
export function checkReferralSent(
  prefix: string,
  complaint: { receivedAt?: string | undefined; referral?: { sentAt: string } | undefined },
  bounds: InstantBounds,
): FieldError | undefined {
  if (!complaint.referral) return undefined;
  const field = `${prefix}referral.sentAt`;
  const past = checkPastInstant(field, complaint.referral.sentAt, bounds);
  if (past) return past;
  const receivedAt = complaint.receivedAt === undefined ? bounds.now : toEpochMs(complaint.receivedAt);
  if (toEpochMs(complaint.referral.sentAt) > receivedAt) {
    return {
      field,
      message: 'must not be after receivedAt: the regulator sent the complaint before the firm received it',
    };
  }
  return undefined;
}

/**
 * The latest `expectedBy` a holding response may give under `policy` for a complaint received at
 * `receivedAt`: the end of the extended target of the clock a holding response extends (FCA payment
 * services: 35 business days after receipt), counted on the complaint's calendar. Undefined when the
 * policy derives none (no clock is extended by a holding response); then {@link EXPECTED_BY_CAP_MS} applies.
 */
export function holdingResponseLimit(
  policy: Policy,
  receivedAt: InstantInput,
  snapshot: CalendarSnapshot,
): ExpectedByLimit | undefined {
  const limits = policy.clocks
    .filter((c) => c.extension?.on === 'holding-response-sent' && c.start === 'received')
    .map((c) => ({
      latest: toEpochMs(
        addDuration(receivedAt, c.extension!.target, snapshot, {
          afterCloseOfBusiness: afterCloseOfBusinessFor(policy, c),
        }),
      ),
      why: `${describeDuration(c.extension!.target)} after receipt (${policy.id} ${c.name})`,
    }));
  return limits.sort((a, b) => b.latest - a.latest)[0];
}

/**
 * Why a holding response may not be sent yet under `policy`, or undefined. FCA DISP 1.6.2R(2): the
 * holding response goes at the end of the eight weeks and tells the customer they may *now* refer to the
 * ombudsman, so the regime sets the earliest time after receipt (`responses.holding-response.notBefore`);
 * before then the customer is kept informed by progress letters, and the clock keeps running.
 */
export function holdingResponseTooEarly(
  policy: Policy,
  receivedAt: InstantInput,
  snapshot: CalendarSnapshot,
  now: number,
): string | undefined {
  const notBefore = policy.responses['holding-response']?.notBefore;
  if (!notBefore) return undefined;
  const earliest = toEpochMs(addDuration(receivedAt, notBefore, snapshot));
  if (now >= earliest) return undefined;
  return (
    `a holding response under ${policy.id} is sent from ${toIso(earliest)} (${describeDuration(notBefore)} after ` +
    'receipt), when the customer may refer to the ombudsman; until then keep them informed with an update'
  );
}

/**
 * The date a holding response promises the final response by (`expectedBy`): later than `now`, and
 * no later than the regime's `limit` (or a year from now when there is none).
 */
export function checkExpectedBy(
  field: string,
  value: InstantInput,
  now: number,
  limit: ExpectedByLimit | undefined,
): FieldError | undefined {
  const at = toEpochMs(value);
  if (at <= now) {
    return { field, message: `must be in the future (after ${toIso(now)}): it is when the final response will come` };
  }
  const { latest, why } = limit ?? {
    latest: now + EXPECTED_BY_CAP_MS,
    why: 'a year from now, as the regime sets no limit',
  };
  if (at > latest) {
    return { field, message: `must not be after ${toIso(latest)}: ${why}` };
  }
  return undefined;
}

/** A remedy's `dueInDays`: a whole number of days within {@link REMEDY_DUE_DAYS}. */
export function checkRemedyDueInDays(field: string, dueInDays: number): FieldError | undefined {
  if (Number.isInteger(dueInDays) && dueInDays >= REMEDY_DUE_DAYS.min && dueInDays <= REMEDY_DUE_DAYS.max) {
    return undefined;
  }
  return { field, message: `must be a whole number of days from ${REMEDY_DUE_DAYS.min} to ${REMEDY_DUE_DAYS.max}` };
}

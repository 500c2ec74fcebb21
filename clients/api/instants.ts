import { calendarSnapshotAround } from '../../platform/calendar';
import {
  checkExpectedBy,
  checkPastInstant,
  checkReferralSent,
  earliestEffectiveFrom,
  holdingResponseLimit,
  type ExpectedByLimit,
} from '../../domain/instant-rules';
import type { Policy } from '../../domain/policy/schema';
import type { FieldError } from '../../domain/validation';
import type { ComplaintStatus } from '../../workflows/messages';
import { unprocessable } from './errors';

/**
 * The API's use of the instant rules (domain/instant-rules.ts, the same rules the bridge applies): a
 * request whose instants break one is refused with 422 naming the field (the document cannot state a
 * rule that depends on the clock and the policies),
 * before anything starts in Temporal.
 */
export class InstantChecks {
  private readonly earliest: number;

  /** `policies`: the catalogue the worker runs on; `now`: the clock (tests may fix it). */
  constructor(
    private readonly policies: readonly Policy[],
    private readonly now: () => number = Date.now,
  ) {
    this.earliest = earliestEffectiveFrom(policies);
  }

  /** `POST /complaints`: a `receivedAt` given must not be in the future nor before the earliest policy. */
  submission(body: { receivedAt?: string | undefined; referral?: { sentAt: string } | undefined }): void {
    const bounds = { now: this.now(), earliest: this.earliest };
    if (body.receivedAt !== undefined) refuse(checkPastInstant('receivedAt', body.receivedAt, bounds));
    refuse(checkReferralSent('', body, bounds));
  }

  /**
   * `POST …/extension`: `expectedBy` must be in the future and within the regime's limit for a holding
   * response, counted from the complaint's receipt on its own calendar (`status` is the complaint's).
   */
  extension(status: ComplaintStatus, expectedBy: string): void {
    refuse(checkExpectedBy('expectedBy', expectedBy, this.now(), this.limitFor(status)));
  }

  private limitFor(status: ComplaintStatus): ExpectedByLimit | undefined {
    const policy = this.policies.find((p) => p.id === status.regime && p.version === status.policyVersion);
    // Not assessed yet (regime pending): no regime limit is known, so the general cap applies.
    if (!policy) return undefined;
    return holdingResponseLimit(policy, status.receivedAt, calendarSnapshotAround(status.region, status.receivedAt));
  }
}

/** Throws the 422 for a rule that failed (the instant has the documented shape), naming the field. */
function refuse(problem: FieldError | undefined): void {
  if (problem) throw unprocessable(`invalid body: ${problem.field}`, [problem]);
}

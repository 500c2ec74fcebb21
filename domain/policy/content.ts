import type { Policy } from './schema';
import type { ResponseKind } from './vocabulary';

/**
 * What the policy requires of responses and remedies: pure helpers the workflow's update validators use to
 * refuse an incomplete final response or an unapproved remedy before anything is recorded.
 */

/**
 * The parts a response of `kind` must contain that `providedParts` lacks, in the policy's order. Empty
 * when everything is there, or when the policy prescribes nothing for that kind.
 */
export function missingParts(policy: Policy, kind: ResponseKind, providedParts: Iterable<string>): string[] {
  const required = policy.responses[kind]?.requiredParts ?? [];
  const provided = new Set(providedParts);
  return required.filter((part) => !provided.has(part));
}

/** The response types allowed for a response kind (the CFPB's fixed list), or an empty list if the kind has none. */
export function allowedResponseTypes(policy: Policy, kind: ResponseKind): readonly string[] {
  return policy.responses[kind]?.allowedTypes ?? [];
}

/**
 * Whether a remedy needs a supervisor's approval: above the policy's threshold for its currency, or in a
 * currency the policy sets no threshold for (an unknown currency is never waved through).
 */
export function needsSupervisorApproval(policy: Policy, amount: number, currency: string): boolean {
  const threshold = policy.remedies.supervisorApprovalAbove[currency.toUpperCase()];
  return threshold === undefined || amount > threshold;
}

/** Whether a satisfaction score reopens the complaint under the policy. */
export function scoreReopens(policy: Policy, score: number): boolean {
  return score <= policy.followUp.reopenAtOrBelow;
}

/** The reading ease a draft's agent-written text should reach when the policy sets none: plain English. */
export const DEFAULT_READING_EASE_AT_LEAST = 50;

/** The policy's readability threshold for drafts (`readingEaseAtLeast`), or the default. */
export function readingEaseThreshold(policy: Policy): number {
  return policy.readingEaseAtLeast ?? DEFAULT_READING_EASE_AT_LEAST;
}

import { isRegionCode } from '../regions';
import type { RegionCode } from '../regions';
import { toEpochMs } from '../clock';
import type { InstantInput } from '../clock';
import type { Policy, SelectionRule } from './schema';

/**
 * Choosing a policy: which version of a regime was in force at an instant, and which regime a complaint
 * falls under. Pure functions over a list of validated policies (as `loadPolicies` returns), so a workflow
 * can run them on a list it received from an activity.
 */

/** No version of the regime applies (unknown id, or every version starts later). */
export class PolicyNotFoundError extends Error {
  override readonly name = 'PolicyNotFoundError';
}

/** The regime ids present in a list of policies, sorted. */
export function regimeIds(policies: readonly Policy[]): string[] {
  return [...new Set(policies.map((p) => p.id))].sort();
}

/**
 * The version of regime `id` in force at `at`: the one with the latest `effectiveFrom` not after `at`.
 * A complaint keeps the version in force when it was received, so call this with the receipt instant.
 */
export function policyInForce(policies: readonly Policy[], id: string, at: InstantInput): Policy {
  const when = toEpochMs(at);
  const versions = policies.filter((p) => p.id === id);
  if (versions.length === 0) {
    throw new PolicyNotFoundError(
      `unknown regime ${JSON.stringify(id)}; known regimes: ${regimeIds(policies).join(', ')}`,
    );
  }
  const inForce = versions
    .filter((p) => toEpochMs(p.effectiveFrom) <= when)
    .sort((a, b) => toEpochMs(b.effectiveFrom) - toEpochMs(a.effectiveFrom) || b.version - a.version)[0];
  if (!inForce) {
    const earliest = versions.map((p) => p.effectiveFrom).sort()[0] ?? '';
    throw new PolicyNotFoundError(
      `no version of regime ${id} was in force at ${String(at)} (the earliest applies from ${earliest})`,
    );
  }
  return inForce;
}

/** What selection looks at in a complaint. */
export interface SelectionFacts {
  /** ISO 3166 code, e.g. `GB`, `GB-SCT`, `US`. */
  readonly jurisdiction: string;
  readonly product?: string;
  readonly category?: string;
  /** The regulator that referred the complaint to the firm, if one did (`cfpb`). */
  readonly referredBy?: string;
}

const normalise = (s: string): string => s.trim().toLowerCase();

function jurisdictionMatches(pattern: string, jurisdiction: string): boolean {
  return jurisdiction === pattern || (!pattern.includes('-') && jurisdiction.startsWith(`${pattern}-`));
}

function ruleMatches(rule: SelectionRule, facts: SelectionFacts): boolean {
  if (rule.jurisdictions && !rule.jurisdictions.some((j) => jurisdictionMatches(j, facts.jurisdiction.toUpperCase()))) {
    return false;
  }
  if (
    rule.products &&
    (facts.product === undefined || !rule.products.map(normalise).includes(normalise(facts.product)))
  ) {
    return false;
  }
  if (
    rule.categories &&
    (facts.category === undefined || !rule.categories.map(normalise).includes(normalise(facts.category)))
  ) {
    return false;
  }
  if (rule.referredBy && (facts.referredBy === undefined || !(rule.referredBy as readonly string[]).includes(facts.referredBy))) {
    return false;
  }
  return true;
}

function specificity(rule: SelectionRule): number {
  return (rule.jurisdictions ? 1 : 0) + (rule.products ? 1 : 0) + (rule.categories ? 1 : 0) + (rule.referredBy ? 1 : 0);
}

/**
 * The policy a complaint falls under, in the version in force at `at` (its receipt): among the regimes
 * with a matching selection rule, the highest priority wins, then the most specific rule, then the id
 * (alphabetically, so the choice never depends on load order).
 */
export function selectPolicy(policies: readonly Policy[], facts: SelectionFacts, at: InstantInput): Policy {
  const candidates: { policy: Policy; specificity: number }[] = [];
  for (const id of regimeIds(policies)) {
    let policy: Policy;
    try {
      policy = policyInForce(policies, id, at);
    } catch (error) {
      if (error instanceof PolicyNotFoundError) continue;
      throw error;
    }
    const matching = policy.selection.rules.filter((rule) => ruleMatches(rule, facts));
    if (matching.length > 0) candidates.push({ policy, specificity: Math.max(...matching.map(specificity)) });
  }
  candidates.sort(
    (a, b) =>
      b.policy.selection.priority - a.policy.selection.priority ||
      b.specificity - a.specificity ||
      (a.policy.id < b.policy.id ? -1 : 1),
  );
  const chosen = candidates[0];
  if (!chosen) {
    throw new PolicyNotFoundError(
      `no policy in force at ${String(at)} matches jurisdiction ${facts.jurisdiction}` +
        `${facts.product ? `, product ${facts.product}` : ''}${facts.category ? `, category ${facts.category}` : ''}`,
    );
  }
  return chosen.policy;
}

/**
 * The business calendar region for a complaint: the firm's site handling it when given, else its
 * jurisdiction when that is a region Redress has a
 * calendar for (`GB-SCT`), else its country when that is one (`US-NY` → `US`), else the policy's default
 * (`GB` → the FCA policies' `GB-ENG`).
 */
export function regionFor(policy: Policy, jurisdiction: string, firmSite?: string): RegionCode {
  // Business days follow where the firm does the work (its site) when upstream says which.
  if (firmSite !== undefined) return regionFor(policy, firmSite);
  const code = jurisdiction.toUpperCase();
  if (isRegionCode(code)) return code;
  const country = code.split('-')[0] ?? '';
  if (isRegionCode(country)) return country;
  return policy.calendar.defaultRegion as RegionCode;
}

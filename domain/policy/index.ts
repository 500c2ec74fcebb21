/**
 * Complaint-handling policies: the file format, choosing a regime and version, and what a regime asks of
 * responses. Pure, so workflow code may import it; reading the files is in `./load` (Node only).
 */
export {
  BREACH_ACTIONS,
  CFPB_RESPONSE_TYPES,
  CLOCK_KINDS,
  LADDER_ROLES,
  LIFECYCLE_EVENTS,
  RESPONSE_KINDS,
  RESPONSE_PARTS,
} from './vocabulary';
export type {
  BreachAction,
  CfpbResponseType,
  ClockKind,
  LadderRole,
  LifecycleEvent,
  ResponseKind,
  ResponsePart,
} from './vocabulary';
export {
  ClockExtensionSchema,
  ClockSchema,
  DurationSchema,
  LadderSchema,
  LadderStepSchema,
  PolicySchema,
  ResponseRequirementSchema,
  SelectionRuleSchema,
} from './schema';
export type { Ladder, LadderStep, Policy, PolicyClock, ResponseRequirement, SelectionRule } from './schema';
export { PolicyValidationError, formatIssues, formatPath, parsePolicy, parsePolicyJson } from './parse';
export type { PolicyParseResult } from './parse';
export { PolicyNotFoundError, policyInForce, regimeIds, regionFor, selectPolicy } from './registry';
export type { SelectionFacts } from './registry';
export { allowedResponseTypes, missingParts, needsSupervisorApproval, scoreReopens } from './content';
export {
  afterCloseOfBusinessFor,
  clockSpec,
  describeExtensionTarget,
  clocksStartingOn,
  clocksStoppedBy,
  planDeadlines,
} from './plan';
export type { PlannedClock } from './plan';
export { ladderOf, rolesAt, staffRecipient } from './ladder';
export type { StaffRecipient } from './ladder';

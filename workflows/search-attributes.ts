import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes (DESIGN §5): what supervisors filter complaints by in Temporal visibility.
 * They fit the dev server's SQLite slots (10 Keyword, 3 each of Int, Bool, Datetime...), which is why
 * there are no more of them. infra/ registers every key listed in {@link ALL_SEARCH_ATTRIBUTES}.
 *
 * Part of the workflow's contract: the workflow upserts them (`./attributes`), the clients start and list
 * complaints by them. The keys are `@temporalio/common` objects, which workflow code may import but
 * domain/ may not, and workflow code may import nothing Node-only, so they live here, not in platform/.
 */
export const SA = {
  stage: defineSearchAttributeKey('RedressStage', SearchAttributeType.KEYWORD),
  severity: defineSearchAttributeKey('RedressSeverity', SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey('RedressCategory', SearchAttributeType.KEYWORD),
  channel: defineSearchAttributeKey('RedressChannel', SearchAttributeType.KEYWORD),
  customerId: defineSearchAttributeKey('RedressCustomerId', SearchAttributeType.KEYWORD),
  assignee: defineSearchAttributeKey('RedressAssignee', SearchAttributeType.KEYWORD),
  regime: defineSearchAttributeKey('RedressRegime', SearchAttributeType.KEYWORD),
  outcome: defineSearchAttributeKey('RedressOutcome', SearchAttributeType.KEYWORD),
  nextDeadline: defineSearchAttributeKey('RedressNextDeadline', SearchAttributeType.DATETIME),
  receivedAt: defineSearchAttributeKey('RedressReceivedAt', SearchAttributeType.DATETIME),
  breached: defineSearchAttributeKey('RedressBreached', SearchAttributeType.BOOL),
  escalated: defineSearchAttributeKey('RedressEscalated', SearchAttributeType.BOOL),
  csat: defineSearchAttributeKey('RedressCsat', SearchAttributeType.INT),
  reopenCount: defineSearchAttributeKey('RedressReopenCount', SearchAttributeType.INT),
} as const;

/** Name and type of every search attribute, for registering them on a server. */
export const ALL_SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; type: SearchAttributeType }> = Object.values(SA).map(
  (key) => ({ name: key.name, type: key.type }),
);

/** Kafka topics (DESIGN §4, a contract). The names are defaults; config/ lets an operator rename them. */
export const DEFAULT_TOPICS = {
  intake: 'complaints.intake',
  events: 'complaints.events',
  lifecycle: 'complaints.lifecycle',
  notifications: 'complaints.notifications',
  remedies: 'complaints.remedies',
  dlq: 'complaints.dlq',
  /** Who replayed which dead letter, when, to where (`redress dlq replay`): the DLQ's audit, kept as long. */
  dlqReplays: 'complaints.dlq.replays',
} as const;

export type TopicRole = keyof typeof DEFAULT_TOPICS;
export type Topics = Record<TopicRole, string>;

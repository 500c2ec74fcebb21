/**
 * Which publish errors no retry can mend. Kafka being away, a leader moving or a timeout heal by
 * themselves, so the attempt fails and is retried; a message the broker refuses for what it is (too
 * large, an invalid record, a topic the producer may not write) or a letter that cannot be rendered will
 * fail the same way for ever, and retrying it would hold up everything queued behind it.
 */

/** Kafka protocol errors that say the message itself is refused. */
const REFUSED = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'POLICY_VIOLATION',
  'INVALID_REQUIRED_ACKS',
]);

interface ErrorLike {
  name?: unknown;
  type?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

/** Why the message can never be published, or undefined when a retry may succeed. */
export function permanentFailure(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e: unknown = err;
  // kafkajs wraps the broker's answer (KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded).
  while (e !== null && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const x = e as ErrorLike;
    if (x.name === 'TemplateError') return `cannot render: ${String(x.message)}`;
    if (x.name === 'KafkaJSProtocolError' && typeof x.type === 'string' && REFUSED.has(x.type)) {
      return `refused by the broker: ${x.type}`;
    }
    e = x.cause ?? x.originalError;
  }
  return undefined;
}

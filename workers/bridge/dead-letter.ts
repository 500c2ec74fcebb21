import type { KafkaMessage } from 'kafkajs';
import type { FieldError } from '../../domain/validation';

/**
 * What the bridge publishes on `complaints.dlq` for an input it cannot accept: why, where it came
 * from, and the original bytes (base64), so a person can fix and replay it. Nothing is lost.
 */
export interface DeadLetter {
  reason: string;
  errors: FieldError[];
  source: { topic: string; partition: number; offset: string; timestamp: string };
  original: { key: string | null; value: string | null; headers: Record<string, string> };
  rejectedAt: string;
}

export function deadLetter(
  topic: string,
  partition: number,
  message: KafkaMessage,
  reason: string,
  errors: FieldError[],
  now = new Date(),
): DeadLetter {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return {
    reason,
    errors,
    source: { topic, partition, offset: message.offset, timestamp: message.timestamp },
    original: {
      key: message.key ? message.key.toString('base64') : null,
      value: message.value ? message.value.toString('base64') : null,
      headers,
    },
    rejectedAt: now.toISOString(),
  };
}

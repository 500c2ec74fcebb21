import type { Producer, Message } from 'kafkajs';

/**
 * The one place Redress writes to Kafka. Every record is keyed by complaint id (per-complaint order)
 * and sent with acks from all in-sync replicas, so a publish that returned is durable.
 */
export interface Publisher {
  publish(topic: string, key: string, value: unknown, headers?: Record<string, string>): Promise<void>;
}

export function kafkaPublisher(producer: Producer): Publisher {
  return {
    async publish(topic, key, value, headers) {
      const message: Message = { key, value: JSON.stringify(value), headers };
      await producer.send({ topic, acks: -1, messages: [message] });
    },
  };
}

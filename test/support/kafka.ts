import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import type { KafkaSecurity } from '../../config/transport-security';
import { kafkaSecurityOptions } from '../../platform/kafka-client';

export interface Received {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  json: unknown;
}

/**
 * Reads a set of topics from the beginning into memory, for tests to wait on what Redress published.
 * A fresh consumer group each time, so nothing another test committed hides a message.
 */
export class TopicCollector {
  readonly messages: Received[] = [];
  private consumer!: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: string[],
  ) {}

  async start(): Promise<this> {
    this.consumer = this.kafka.consumer({ groupId: `test-collector-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const value = message.value ? message.value.toString('utf8') : null;
        let json: unknown;
        try {
          json = value ? JSON.parse(value) : undefined;
        } catch {
          json = undefined;
        }
        this.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value,
          json,
        });
        return Promise.resolve();
      },
    });
    return this;
  }

  /** Messages on `topic` whose JSON matches `where`. */
  find<T = Record<string, unknown>>(topic: string, where: (json: T) => boolean = () => true): T[] {
    return this.messages
      .filter((m) => m.topic === topic && m.json !== undefined && where(m.json as T))
      .map((m) => m.json as T);
  }

  /** Waits until `count` messages on `topic` match, or fails naming what was seen. */
  async waitFor<T = Record<string, unknown>>(
    topic: string,
    where: (json: T) => boolean,
    count = 1,
    timeoutMs = 60_000,
  ): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.find<T>(topic, where);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${count} message(s) on ${topic}; saw ${found.length} matching of ${this.messages.filter((m) => m.topic === topic).length}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** `security`: the run's TLS and SASL settings, when the broker wants them (config.kafka.security). */
export function testKafka(brokers: string, security?: KafkaSecurity): Kafka {
  return new Kafka({
    clientId: 'redress-test',
    brokers: brokers.split(','),
    ...kafkaSecurityOptions(security),
    logLevel: logLevel.NOTHING,
  });
}

export async function testProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
}

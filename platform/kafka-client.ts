import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config';

/** kafkajs's levels as pino methods. */
const PINO_LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * A kafkajs client whose logs go to the process's pino logger (JSON, like every other line), named
 * after the process that uses it (`redress-bridge`, `redress-worker`).
 */
export function createKafka(config: Config, role: string, logger: Logger): Kafka {
  return new Kafka({
    clientId: `${config.kafka.clientId}-${role}`,
    brokers: config.kafka.brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...rest } = log;
        logger[PINO_LEVEL[level] ?? 'info']({ kafka: namespace, ...rest }, String(message));
      },
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 },
  });
}

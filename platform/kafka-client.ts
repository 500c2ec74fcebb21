import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { KafkaSecurity } from '../config/transport-security';

/** kafkajs's levels as pino methods. */
const PINO_LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs's `ssl` and `sasl` options from the configured security (config/transport-security.ts): the
 * one place every Kafka client of Redress — worker, bridge, projector, API, provisioning, probes — gets
 * them, so none connects in clear by forgetting them. Nothing configured: plain TCP (the local broker).
 */
export function kafkaSecurityOptions(security: KafkaSecurity = {}): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { tls, sasl } = security;
  return {
    ...(tls
      ? {
          ssl: {
            // Certificates are always verified: a broker that cannot prove its name is refused.
            rejectUnauthorized: true,
            ...(tls.ca ? { ca: [tls.ca] } : {}),
            ...(tls.clientCert ? { cert: tls.clientCert.cert, key: tls.clientCert.key.reveal() } : {}),
            ...(tls.serverName ? { servername: tls.serverName } : {}),
          },
        }
      : {}),
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password.reveal() } } : {}),
  } as Pick<KafkaConfig, 'ssl' | 'sasl'>;
}

/**
 * A kafkajs client whose logs go to the process's pino logger (JSON, like every other line), named
 * after the process that uses it (`redress-bridge`, `redress-worker`).
 */
export function createKafka(config: Config, role: string, logger: Logger): Kafka {
  return new Kafka({
    clientId: `${config.kafka.clientId}-${role}`,
    brokers: config.kafka.brokers,
    ...kafkaSecurityOptions(config.kafka.security),
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

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/free-port';
import { startKafkaBroker, type BrokerSecurity } from '../../infra/kafka-broker';
import type { ManagedProcess } from '../../infra/managed-process';
import { kafkaLibs } from '../../infra/paths';

/**
 * A Kafka broker of one test's own, its log on disk so a restart keeps every topic and offset: for
 * tests that stop and start Kafka under a running stack.
 */
export class DedicatedBroker {
  private readonly dataDir: string;
  private ports?: { port: number; controllerPort: number };
  private process?: ManagedProcess;

  /** `security`: a SASL_SSL listener (SCRAM over TLS) instead of PLAINTEXT. */
  constructor(
    name: string,
    private readonly security?: BrokerSecurity,
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), `redress-${name}-`));
  }

  /** `host:port` of the broker (after the first start). */
  get brokers(): string {
    if (!this.ports) throw new Error('the broker has not been started');
    return `127.0.0.1:${this.ports.port}`;
  }

  /**
   * The environment that points a test run at this broker: one broker holds one replica of each topic,
   * whatever layout the suite runs with (replication 3 when it runs against scripts/cluster).
   */
  get env(): NodeJS.ProcessEnv {
    return { KAFKA_BROKERS: this.brokers, REDRESS_KAFKA_REPLICATION_FACTOR: '1', REDRESS_KAFKA_MIN_INSYNC_REPLICAS: '1' };
  }

  /** Starts it (on the same ports every time). */
  async start(): Promise<void> {
    this.ports ??= { port: await freePort(), controllerPort: await freePort() };
    this.process = await startKafkaBroker({
      libs: kafkaLibs(),
      host: '127.0.0.1',
      ...this.ports,
      dataDir: this.dataDir,
      logFile: join(this.dataDir, 'kafka.log'),
      heapMb: 384,
      ...(this.security ? { security: this.security } : {}),
    });
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
  }
}

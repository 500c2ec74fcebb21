import { Connection, type Client } from '@temporalio/client';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { connect } from 'node:net';
import type { KafkaSecurity } from '../config/transport-security';
import { kafkaSecurityOptions } from './kafka-client';

/**
 * Health probes of the servers Redress depends on. The API's `/health` answers with them in production,
 * and infra/ waits on them when it starts local servers, so they live here rather than beside the
 * dev-server code (which nothing the service runs in production may import).
 */

/** True when something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when the server answers and the namespace exists. */
export async function temporalHealthy(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** True when a broker answers a metadata request. */
export async function kafkaHealthy(broker: string, security?: KafkaSecurity): Promise<boolean> {
  const [host, port] = broker.split(':');
  if (!(await portOpen(host ?? '127.0.0.1', Number(port)))) return false;
  const admin = new Kafka({
    brokers: [broker],
    ...kafkaSecurityOptions(security),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Temporal's reachability over the client the process already holds: no connection is opened per probe
 * (the API's `/health`). Bounded, so an unreachable server answers false in `timeoutMs`, not in 30 s.
 */
export async function temporalAnswers(client: Client, namespace: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + timeoutMs, () => client.workflowService.describeNamespace({ namespace }));
    return true;
  } catch {
    return false;
  }
}

/**
 * Kafka's reachability over one admin client kept for the process's life (the API's `/health`): it is
 * connected on the first probe and again only after a probe failed, never once per probe.
 */
export class KafkaProbe {
  private admin: Admin | undefined;
  private readonly kafka: Kafka;

  constructor(brokers: string[], clientId = 'redress-health', security?: KafkaSecurity) {
    // No retries and short timeouts: a probe says "down" quickly, and the next one (seconds later) retries.
    this.kafka = new Kafka({
      clientId,
      brokers,
      ...kafkaSecurityOptions(security),
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
    });
  }

  async check(): Promise<boolean> {
    try {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      await this.admin.describeCluster();
      return true;
    } catch {
      // A broken connection is dropped, so the next probe starts afresh.
      await this.close();
      return false;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}

import { Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import { connect } from 'node:net';

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
export async function kafkaHealthy(broker: string): Promise<boolean> {
  const [host, port] = broker.split(':');
  if (!(await portOpen(host ?? '127.0.0.1', Number(port)))) return false;
  const admin = new Kafka({ brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
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

import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';

/** A Temporal client for the configured server and namespace, with its connection to close. */
export async function connectClient(config: Config): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { client, close: () => connection.close() };
}

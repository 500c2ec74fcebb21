import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { connectTemporal } from '../platform/temporal-connection';

/**
 * A Temporal client for the configured server and namespace, with its connection to close. The data
 * converter (platform/data-converter.ts) is required, so no client of Redress talks to Temporal in clear
 * by forgetting it.
 */
export async function connectClient(
  config: Config,
  dataConverter: DataConverter,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await connectTemporal(config);
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  return { client, close: () => connection.close() };
}

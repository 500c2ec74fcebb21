import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

/**
 * How long Temporal keeps a closed workflow. The complaint store is the record that lasts (DESIGN §6), so
 * Temporal's retention only decides how long a closed complaint can still be inspected in the Temporal
 * UI and answer from its workflow; the dev server would otherwise leave its own default (1 day) in place.
 */
export const LOCAL_RETENTION_DAYS = 3;

/** The smallest retention the Temporal server accepts (it refuses shorter with "A valid retention period is not set"). */
export const MIN_RETENTION_SECONDS = 3600;

/** Sets `namespace`'s retention of closed workflows; idempotent. */
export async function setNamespaceRetention(connection: Connection, namespace: string, seconds: number): Promise<void> {
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(seconds * 1000) },
  });
}

/** The retention `namespace` has, in seconds. */
export async function namespaceRetentionSeconds(connection: Connection, namespace: string): Promise<number> {
  const d = await connection.workflowService.describeNamespace({ namespace });
  return Number(d.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
}

/** Registers `namespace` with a retention unless it exists (then sets the retention). */
export async function ensureNamespace(connection: Connection, namespace: string, seconds: number): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(seconds * 1000),
    });
  } catch (err) {
    if (!/already exists|already registered/i.test((err as Error).message)) throw err;
    await setNamespaceRetention(connection, namespace, seconds);
  }
}

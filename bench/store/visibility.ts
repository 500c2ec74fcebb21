import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { listComplaints } from '../../clients/api/list';
import { freePort } from '../../infra/free-port';
import { temporalCli } from '../../infra/paths';
import { ensureSearchAttributes } from '../../infra/search-attributes';
import { startTemporalServer } from '../../infra/temporal-server';
import { COMPLAINT_WORKFLOW } from '../../workflows/contract';
import { SA } from '../../workflows/search-attributes';
import { benchId, benchView } from './fill';
import { time, type Timing } from './timing';

/**
 * The list on the visibility path as the API runs it without a store (`listComplaints` of
 * clients/api/list.ts: a visibility query, then sorting in the API by next deadline, since SQLite
 * visibility has no ORDER BY on custom attributes). `n` complaint workflows are started, with the search
 * attributes a complaint sets, on a task queue no worker polls (they never run: only visibility is measured),
 * on a throwaway dev server (SQLite in memory).
 */
export async function visibilityTimings(
  n: number,
  open: number,
  now: number,
  runs: number,
): Promise<{ list: Timing; atRisk: Timing }> {
  const logDir = mkdtempSync(join(tmpdir(), 'redress-bench-store-'));
  const port = await freePort();
  const server = await startTemporalServer({
    cli: temporalCli(),
    host: '127.0.0.1',
    port,
    uiPort: 0,
    namespace: 'default',
    logFile: join(logDir, 'temporal.log'),
  });
  const address = `127.0.0.1:${port}`;
  const connection = await Connection.connect({ address });
  try {
    await ensureSearchAttributes(address, 'default');
    const client = new Client({ connection, namespace: 'default' });
    const taskQueue = `bench-visibility-${Date.now().toString(36)}`;
    let next = 0;
    const startOne = async () => {
      for (let i = next++; i < n; i = next++) {
        const v = benchView(i, open, now);
        await client.workflow.start(COMPLAINT_WORKFLOW, {
          taskQueue,
          workflowId: `complaint:${benchId(i)}`,
          args: [],
          typedSearchAttributes: [
            { key: SA.stage, value: v.stage },
            { key: SA.regime, value: v.regime },
            { key: SA.receivedAt, value: new Date(v.receivedAt) },
            ...(v.nextDeadline ? [{ key: SA.nextDeadline, value: new Date(v.nextDeadline) }] : []),
          ],
        });
      }
    };
    await Promise.all(Array.from({ length: 32 }, startOne));
    // Visibility is written asynchronously: wait until every workflow is listed.
    for (;;) {
      const { count } = await client.workflow.count(`TaskQueue = '${taskQueue}'`);
      if (count >= n) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const scope = { taskQueue };
    const list = await time(() => listComplaints(client, scope, { limit: 50 }, { scanLimit: 1_000_000 }), runs, 2);
    const atRisk = await time(
      () => listComplaints(client, scope, { limit: 50, atRiskWithin: 2 * 86_400_000 }, { scanLimit: 1_000_000 }),
      runs,
      2,
    );
    return { list, atRisk };
  } finally {
    await connection.close();
    await server.stop();
  }
}

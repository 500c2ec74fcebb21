import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import type { Config } from '../../config';
import type { OutboundEvent } from '../../domain/events';
import { repoRoot } from '../../infra/paths';
import { startManaged, type ManagedProcess } from '../../infra/managed-process';
import type { Db } from '../../store/db';
import { intakeEvents, letter, lifecycle, remedyRequest, updated, view } from './store-events';

/**
 * A stream of records exactly as Redress publishes them, for the projector's tests: per complaint the
 * intake events, three views (revisions 1–3), the acknowledgement letter, and for every other complaint
 * a remedy (lifecycle events plus the request on the remedies topic).
 */
export interface RecordStream {
  messages: Array<{ topic: string; event: OutboundEvent }>;
  complaintIds: string[];
  /** Rows each table must end with. */
  expected: { complaints: number; events: number; letters: number; remedies: number; clocks: number };
}

/** `n` complaints' records on `config`'s topics, ids `<prefix>-<i>`. */
export function recordStream(config: Config, prefix: string, n: number): RecordStream {
  const t = config.topics;
  const messages: RecordStream['messages'] = [];
  const complaintIds: string[] = [];
  let events = 0;
  let remedies = 0;
  for (let i = 0; i < n; i += 1) {
    const id = `${prefix}-${i}`;
    complaintIds.push(id);
    const at = '2026-03-05T10:00:00.000Z';
    const life = [...intakeEvents(id)];
    if (i % 2 === 0) {
      life.push(
        lifecycle(id, 'remedy-proposed:r1', 'complaint.remedy-proposed', at, {
          remedyId: 'r1',
          kind: 'refund',
          amount: 10 + i,
          currency: 'GBP',
          needsApproval: false,
        }),
        lifecycle(id, 'remedy-requested:r1', 'complaint.remedy-requested', at, {
          remedyId: 'r1',
          dueBy: '2026-03-06T10:00:00.000Z',
        }),
      );
      messages.push({ topic: t.remedies, event: remedyRequest(id, 'r1', at, '2026-03-06T10:00:00.000Z') });
      remedies += 1;
    }
    events += life.length;
    for (const e of life) messages.push({ topic: t.lifecycle, event: e });
    for (const revision of [1, 2, 3]) {
      const v = view({ revision, stage: revision === 3 ? 'listening' : 'acknowledged', assignee: `agent-${revision}` });
      messages.push({ topic: t.lifecycle, event: updated(id, v) });
    }
    messages.push({ topic: t.notifications, event: letter(id, 'acknowledgement', `Dear customer ${i}`) });
  }
  return {
    messages,
    complaintIds,
    expected: { complaints: n, events, letters: n, remedies, clocks: 2 * n },
  };
}

/** Publishes records in order, in chunks (keyed by complaint id, so each complaint's stay in order). */
export async function publishRecords(producer: Producer, records: RecordStream['messages'], chunk = 200) {
  for (let i = 0; i < records.length; i += chunk) {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const r of records.slice(i, i + chunk)) {
      const list = byTopic.get(r.topic) ?? [];
      list.push({ key: r.event.complaintId, value: JSON.stringify(r.event) });
      byTopic.set(r.topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}

/** Row counts of the store's tables. */
export async function storeCounts(db: Db): Promise<RecordStream['expected']> {
  const count = async (table: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  return {
    complaints: await count('complaints'),
    events: await count('complaint_events'),
    letters: await count('complaint_letters'),
    remedies: await count('complaint_remedies'),
    clocks: await count('complaint_clocks'),
  };
}

/** The real projector process (`dist/workers/projector/main.js`), its log in a file. */
export async function spawnProjector(env: NodeJS.ProcessEnv, logFile: string): Promise<ManagedProcess> {
  const main = join(repoRoot(), 'dist', 'workers', 'projector', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx tsc -p tsconfig.build.json)`);
  const startedAt = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
  return startManaged({
    name: 'projector',
    command: process.execPath,
    args: [main],
    env: { ...process.env, ...env, LOG_LEVEL: 'info', REDRESS_PROJECTOR_METRICS_PORT: '0' },
    logFile,
    startTimeoutMs: 60_000,
    healthy: () =>
      Promise.resolve(
        existsSync(logFile) && readFileSync(logFile, 'utf8').slice(startedAt).includes('"projector consuming"'),
      ),
  });
}

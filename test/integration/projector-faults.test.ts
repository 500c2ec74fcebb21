import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka, Producer } from 'kafkajs';
import { startPostgresServer, type PostgresServer } from '../../infra/postgres-server';
import { pgDb, pgliteDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { storeDir } from '../../store/open';
import { snapshotStore } from '../../store/tables';
import { repoRoot } from '../../infra/paths';
import { startProjector, sourceTopics } from '../../workers/projector/projector';
import { sleep, waitUntil } from '../support/wait';
import { testKafka, testProducer } from '../support/kafka';
import { publishRecords, recordStream, spawnProjector, storeCounts } from '../support/projector-harness';
import { startTestRun, type TestRun } from '../support/stack';

/**
 * The projector's faults: killed with SIGKILL mid-stream (the real process, on the embedded store) and
 * restarted, it loses and duplicates nothing; a database outage pauses it (nothing committed, health
 * degraded, lag visible) and it catches up when the database returns.
 */
let run: TestRun;
let kafka: Kafka;
let producer: Producer;

/** Offsets the group has committed, and the topics' high watermarks, summed over the store's topics. */
async function progress(groupId: string, on: TestRun = run): Promise<{ committed: number; high: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let committed = 0;
    let high = 0;
    for (const topic of sourceTopics(on.config).keys()) {
      const [c] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const p of c?.partitions ?? []) committed += Math.max(0, Number(p.offset));
      for (const h of await admin.fetchTopicOffsets(topic)) high += Number(h.high);
    }
    return { committed, high };
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  run = await startTestRun('projector-faults');
  kafka = testKafka(run.config.kafka.brokers.join(','));
  producer = await testProducer(kafka);
});
afterAll(async () => {
  await producer.disconnect();
  await run.connection.close();
});

it('killed with SIGKILL mid-stream and restarted, loses and duplicates nothing; --rebuild gives the same store (embedded)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-projector-kill-'));
  const groupId = `projector-kill-${run.config.topics.lifecycle}`;
  const env = {
    REDRESS_TOPIC_PREFIX: run.config.topics.lifecycle.replace(/complaints\.lifecycle$/, ''),
    REDRESS_DATA_DIR: dataDir,
    REDRESS_PROJECTOR_GROUP: groupId,
    REDRESS_PROJECTOR_SESSION_TIMEOUT_MS: '6000',
  };
  const logFile = join(dataDir, 'projector.log');
  const s = recordStream(run.config, 'k', 300);
  const third = Math.floor(s.messages.length / 3);

  let projector = await spawnProjector(env, logFile);
  await publishRecords(producer, s.messages.slice(0, third), 50);
  await waitUntil('some records committed', async () => (await progress(groupId)).committed > 0, 60_000);
  const publishing = publishRecords(producer, s.messages.slice(third), 50);
  // Killed while records are still arriving: mid-stream, between any two steps of a batch.
  projector.child.kill('SIGKILL');
  await projector.exited;
  const atKill = await progress(groupId);
  await publishing;
  expect(atKill.committed).toBeLessThan(s.messages.length);

  projector = await spawnProjector(env, logFile);
  await waitUntil(
    'the restarted projector has caught up',
    async () => {
      const p = await progress(groupId);
      return p.committed === p.high;
    },
    120_000,
  );
  await projector.stop();
  expect(await projector.exited).toBe(0);

  // The process is gone, so this one may own the embedded store now.
  const read = async () => {
    const { db } = await pgliteDb(storeDir(dataDir));
    try {
      const revisions = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM complaints WHERE revision = 3');
      return { counts: await storeCounts(db), revision3: revisions.rows[0]!.n, snapshot: await snapshotStore(db) };
    } finally {
      await db.close();
    }
  };
  const live = await read();
  expect(live.counts).toEqual(s.expected);
  expect(live.revision3).toBe(300);

  // The rebuild command, as an operator runs it with the projector stopped: the same store again.
  const main = join(repoRoot(), 'dist', 'workers', 'projector', 'main.js');
  await promisify(execFile)(process.execPath, [main, '--rebuild'], {
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  expect((await read()).snapshot).toEqual(live.snapshot);
});

describe('a database outage', () => {
  let pg: PostgresServer;
  let db: Db;
  // Topics of its own: a projector reads from offset zero, and the kill test's records are not this test's.
  let own: TestRun;
  beforeAll(async () => {
    own = await startTestRun('projector-outage');
    pg = startPostgresServer({
      dataDir: mkdtempSync(join(tmpdir(), 'redress-it-pg-outage-')),
      port: Number(process.env.REDRESS_TEST_PG_PORT ?? 15432) + 1,
    });
    db = pgDb(pg.url, { connectionTimeoutMs: 1_000 });
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    pg.stop();
    await own.connection.close();
  });

  it('pauses the projector without committing, and it catches up when the database returns', async () => {
    const groupId = `projector-outage-${own.config.topics.lifecycle}`;
    const projector = await startProjector(own.config, kafka, db, own.logger, { groupId });
    try {
      const s = recordStream(own.config, 'o', 60);
      const half = Math.floor(s.messages.length / 2);
      await publishRecords(producer, s.messages.slice(0, half));
      await waitUntil('the first half is in the store', () => projector.caughtUp());

      pg.stop();
      await publishRecords(producer, s.messages.slice(half));
      await waitUntil('health degraded', () => projector.health().status === 'degraded', 60_000);
      expect(projector.health()).toMatchObject({ db: false });
      const during = await progress(groupId, own);
      await sleep(3_000);
      // Nothing committed while the database is away: the second half waits in Kafka.
      expect(await progress(groupId, own)).toEqual(during);
      expect(during.committed).toBeLessThan(during.high);
      const metrics = await projector.metrics.registry.metrics();
      expect(metrics).toMatch(/redress_projector_db_up 0/);
      const lag = [...metrics.matchAll(/^redress_projector_consumer_lag\{[^}]*\} (\d+)$/gm)].map((m) => Number(m[1]));
      expect(lag.reduce((a, b) => a + b, 0)).toBe(during.high - during.committed);

      pg.start();
      await waitUntil('caught up after the outage', () => projector.caughtUp(), 120_000);
      expect(await storeCounts(db)).toEqual(s.expected);
      expect(projector.health()).toMatchObject({ status: 'ok', db: true });
    } finally {
      await projector.stop();
    }
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/free-port';
import { startPostgresServer } from '../../infra/postgres-server';
import { pgDb, pgliteDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { listComplaints, type ListPosition } from '../../store/queries';
import { fill } from './fill';
import { time, type Timing } from './timing';
import { visibilityTimings } from './visibility';

/**
 * `npm run bench:store`: the store's list and at-risk queries with 100,000 complaints (20,000 open) on
 * PGlite and on PostgreSQL, the projector's apply rate, and the same lists on the visibility path over a
 * smaller number of workflows. A benchmark, not a test: it prints figures and asserts nothing.
 * Knobs: BENCH_STORE_N (100000), BENCH_STORE_OPEN (20000), BENCH_STORE_RUNS (200), BENCH_VIS_N (2000),
 * BENCH_VIS_RUNS (20), BENCH_STORE_DRIVERS (pglite,pg), DATABASE_URL (a server instead of a throwaway one).
 */
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const N = num('BENCH_STORE_N', 100_000);
const OPEN = num('BENCH_STORE_OPEN', 20_000);
const RUNS = num('BENCH_STORE_RUNS', 200);
const VIS_N = num('BENCH_VIS_N', 2_000);
const VIS_RUNS = num('BENCH_VIS_RUNS', 20);
const DRIVERS = (process.env.BENCH_STORE_DRIVERS ?? 'pglite,pg').split(',');
const DAY = 86_400_000;

interface StoreResult {
  driver: string;
  applyPerSecond: number;
  list: Timing;
  deepPage: Timing;
  atRisk: Timing;
}

async function openDb(driver: string): Promise<{ db: Db; close: () => Promise<void> }> {
  if (driver === 'pglite') {
    // On disk, as the local stack keeps it.
    const { db } = await pgliteDb(mkdtempSync(join(tmpdir(), 'redress-bench-pglite-')));
    return { db, close: () => db.close() };
  }
  if (process.env.DATABASE_URL) {
    const db = pgDb(process.env.DATABASE_URL);
    return { db, close: () => db.close() };
  }
  const server = startPostgresServer({
    dataDir: mkdtempSync(join(tmpdir(), 'redress-bench-pg-')),
    port: await freePort(),
  });
  const db = pgDb(server.url);
  return {
    db,
    close: async () => {
      await db.close();
      server.stop();
    },
  };
}

async function benchStore(driver: string, now: number): Promise<StoreResult> {
  const { db, close } = await openDb(driver);
  try {
    await migrate(db);
    const applyPerSecond = await fill(db, N, OPEN, now);
    log(`${driver}: ${N} complaints applied at ${Math.round(applyPerSecond)}/s`);
    await db.exec('ANALYZE');
    // A deep page: the keyset position of the 10,000th complaint in list order.
    const deep = (
      await db.query<{ next_deadline: Date | null; complaint_id: string }>(
        'SELECT next_deadline, complaint_id FROM complaints ORDER BY next_deadline ASC NULLS LAST, complaint_id OFFSET 10000 LIMIT 1',
      )
    ).rows[0];
    const after: ListPosition = {
      nextDeadline: deep?.next_deadline ? deep.next_deadline.toISOString() : null,
      complaintId: deep?.complaint_id ?? '',
    };
    const atRiskBy = new Date(now + 2 * DAY).toISOString();
    return {
      driver,
      applyPerSecond: Math.round(applyPerSecond),
      list: await time(() => listComplaints(db, {}, { limit: 50 }), RUNS),
      deepPage: await time(() => listComplaints(db, {}, { limit: 50, after }), RUNS),
      atRisk: await time(() => listComplaints(db, { nextDeadlineBy: atRiskBy }, { limit: 50 }), RUNS),
    };
  } finally {
    await close();
  }
}

const log = (s: string) => process.stderr.write(`[bench:store] ${s}\n`);
const ms = (t: Timing) => `${t.p50} / ${t.p95}`;

async function main(): Promise<void> {
  const now = Date.now();
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  log(`load average at start: ${load}`);
  const stores: StoreResult[] = [];
  for (const driver of DRIVERS) stores.push(await benchStore(driver, now));
  log(`visibility: starting ${VIS_N} workflows`);
  const visibility = await visibilityTimings(VIS_N, Math.round((VIS_N * OPEN) / N), now, VIS_RUNS);
  const lines = [
    `store: ${N} complaints (${OPEN} open), ${RUNS} runs each; visibility: ${VIS_N} workflows, ${VIS_RUNS} runs; load average ${load} -> ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
    '',
    '| path | list, first page p50 / p95 ms | deep keyset page (10,000th) | at-risk (within 2 d) | apply rate |',
    '| --- | --- | --- | --- | --- |',
    ...stores.map(
      (s) =>
        `| store, ${s.driver} | ${ms(s.list)} | ${ms(s.deepPage)} | ${ms(s.atRisk)} | ${s.applyPerSecond} records/s |`,
    ),
    `| visibility (${VIS_N} workflows) | ${ms(visibility.list)} | (no keyset: the whole match is scanned each page) | ${ms(visibility.atRisk)} | - |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = join(__dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `store-${new Date(now).toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ n: N, open: OPEN, runs: RUNS, visN: VIS_N, load, stores, visibility }, null, 2));
  log(`wrote ${file}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

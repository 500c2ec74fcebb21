import pino from 'pino';
import type { Db, Queryable } from '../../store/db';
import { startRetention } from '../../workers/projector/retention-job';

/**
 * The projector's retention job (workers/projector/retention-job.ts) on a fake clock (jest's timers,
 * which move `Date` too) and a fake database: it erases at start and then on its interval, with a cutoff
 * that moves with the clock, and its log lines hold counts and the cutoff, never a complaint id or
 * anything else the erased rows held. The logger is a plain pino writing to an array, without the
 * processes' redaction, so what is checked is what the job itself writes.
 */

const HOUR = 3_600_000;
const START = new Date('2032-05-01T03:00:00.000Z');
/** Ids of the complaints the fake database holds as ended; none may reach a log line. */
const ENDED = ['cust-ada-lovelace-7', 'c-secret-2'];

/** A database whose ended complaints are {@link ENDED}, each with rows in every table; it records every statement. */
function fakeDb(opts: { failFirst?: boolean } = {}) {
  const statements: Array<{ sql: string; params: readonly unknown[] }> = [];
  let transactions = 0;
  const tx: Queryable = {
    query: <T>(sql: string, params: readonly unknown[] = []) => {
      statements.push({ sql, params });
      const rows = sql.trimStart().startsWith('SELECT complaint_id')
        ? ENDED.map((complaint_id) => ({ complaint_id }))
        : [{ n: 3 }];
      return Promise.resolve({ rows: rows as T[] });
    },
    exec: () => Promise.resolve(),
  };
  const db: Db = {
    driver: 'pglite',
    query: tx.query,
    exec: tx.exec,
    transaction: (fn) => {
      transactions += 1;
      if (opts.failFirst && transactions === 1) {
        return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5433'));
      }
      return fn(tx);
    },
    close: () => Promise.resolve(),
  };
  const cutoffs = () => statements.filter((s) => s.sql.includes('SELECT complaint_id')).map((s) => s.params[0]);
  return { db, statements, cutoffs, transactions: () => transactions };
}

function capture() {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info', base: undefined, timestamp: false },
    { write: (l: string) => void lines.push(l) },
  );
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, logger, parsed };
}

beforeEach(() => {
  jest.useFakeTimers({ now: START });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('the retention job', () => {
  it('erases at start and then every interval, with a cutoff the clock moves on', async () => {
    const { db, cutoffs } = fakeDb();
    const { logger } = capture();
    const stop = startRetention(db, logger, { years: 6, intervalMs: 24 * HOUR });
    await jest.advanceTimersByTimeAsync(0);
    expect(cutoffs()).toEqual(['2026-05-01T03:00:00.000Z']);

    await jest.advanceTimersByTimeAsync(24 * HOUR - 1);
    expect(cutoffs()).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(cutoffs()).toEqual(['2026-05-01T03:00:00.000Z', '2026-05-02T03:00:00.000Z']);
    await jest.advanceTimersByTimeAsync(24 * HOUR);
    expect(cutoffs()).toHaveLength(3);

    stop();
    await jest.advanceTimersByTimeAsync(72 * HOUR);
    expect(cutoffs()).toHaveLength(3);
  });

  it('logs counts and the cutoff only: no complaint id, nothing the rows held', async () => {
    const { db, statements } = fakeDb();
    const { lines, logger, parsed } = capture();
    const stop = startRetention(db, logger, { years: 6, intervalMs: 24 * HOUR });
    await jest.advanceTimersByTimeAsync(0);
    stop();

    // Not vacuous: the job did hand the ids to the database, to delete their rows.
    expect(statements.some((s) => ENDED.every((id) => String(s.params[0]).includes(id)))).toBe(true);
    expect(parsed()).toEqual([
      {
        level: 30,
        msg: 'retention: erased complaints that ended before the cutoff',
        cutoff: '2026-05-01T03:00:00.000Z',
        years: 6,
        complaints: 2,
        rows: {
          complaint_survey_comments: 3,
          complaint_surveys: 3,
          complaint_remedies: 3,
          complaint_letters: 3,
          complaint_breaches: 3,
          complaint_events: 3,
          complaint_clocks: 3,
          complaints: 3,
        },
      },
    ]);
    for (const id of ENDED) expect(lines.join('\n')).not.toContain(id);
  });

  it('logs a failure without stopping, and erases at the next interval', async () => {
    const { db, cutoffs, transactions } = fakeDb({ failFirst: true });
    const { logger, parsed } = capture();
    const stop = startRetention(db, logger, { years: 6, intervalMs: 24 * HOUR });
    await jest.advanceTimersByTimeAsync(0);
    expect(transactions()).toBe(1);
    expect(parsed()).toEqual([
      {
        level: 40,
        msg: 'retention did not run; trying at the next interval',
        err: 'connect ECONNREFUSED 127.0.0.1:5433',
      },
    ]);
    await jest.advanceTimersByTimeAsync(24 * HOUR);
    stop();
    expect(cutoffs()).toEqual(['2026-05-02T03:00:00.000Z']);
    expect(parsed()[1]).toMatchObject({ level: 30, complaints: 2 });
  });
});

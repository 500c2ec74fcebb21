import type { Db } from '../../store/db';
import { readStoreMetrics } from '../../store/metrics';
import { eraseEndedBefore, retentionCutoff } from '../../store/retention';
import { loadMigrations, migrate } from '../../store/migrate';
import { complaintRecord, getComplaint, listComplaints, type ComplaintFilter } from '../../store/queries';
import { intakeEvents, letter, lifecycle, remedyRequest, updated, view } from '../support/store-events';
import { applyEvents as apply, DRIVERS, freshStore, TEST_SEAL } from '../support/store';

/** The store's schema, writes and queries, the same suite on embedded PGlite and on a real PostgreSQL server. */

async function storeCountsOf(db: Db): Promise<{ complaints: number; letters: number }> {
  const n = async (t: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n;
  return { complaints: await n('complaints'), letters: await n('complaint_letters') };
}

describe.each(DRIVERS)('the store on %s', (driver) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await freshStore(driver));
  });
  afterAll(() => close());

  it('runs each migration once, recorded in schema_migrations', async () => {
    expect(await migrate(db)).toEqual([]);
    const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
  });

  it('refuses a migration whose file changed after it ran', async () => {
    const changed = loadMigrations().map((m) => ({ ...m, checksum: `${m.checksum}x` }));
    await expect(migrate(db, changed)).rejects.toThrow(/changed after it ran/);
  });

  it('makes the row from complaint.opened until a view arrives, then keeps only newer revisions', async () => {
    await apply(db, intakeEvents('c-a'));
    expect(await getComplaint(db, 'c-a')).toMatchObject({
      revision: 0,
      stage: 'acknowledged',
      regime: 'fca-disp',
      receivedAt: '2026-03-02T09:00:00.000Z',
      acknowledgedAt: '2026-03-02T09:00:01.000Z',
      nextDeadline: null,
    });
    await apply(db, [updated('c-a', view({ revision: 2, stage: 'listening', assignee: 'agent-7' }))]);
    const stale = await apply(db, [updated('c-a', view({ revision: 1, stage: 'acknowledged' }))]);
    expect(stale.duplicates).toBe(1);
    expect(await getComplaint(db, 'c-a')).toMatchObject({
      revision: 2,
      stage: 'listening',
      assignee: 'agent-7',
      nextDeadline: '2026-03-03T09:00:00.000Z',
      acknowledgedAt: '2026-03-02T09:00:01.000Z',
    });
    const record = await complaintRecord(db, 'c-a', TEST_SEAL);
    expect(record?.clocks.map((c) => [c.clock, c.deadline])).toEqual([
      ['first-response', '2026-03-03T09:00:00.000Z'],
      ['final-response', '2026-04-27T09:00:00.000Z'],
    ]);
    // The three share an instant: in the order they were published (their offsets), not their ids'.
    expect(record?.events.map((e) => e.type)).toEqual([
      'complaint.opened',
      'complaint.stage-changed',
      'complaint.acknowledged',
    ]);
  });

  it('changes nothing when the same events are applied again', async () => {
    const events = [...intakeEvents('c-b'), letter('c-b', 'acknowledgement', 'Dear Ada, we have it.')];
    const first = await apply(db, events);
    const before = await complaintRecord(db, 'c-b', TEST_SEAL);
    const again = await apply(db, events);
    expect(first).toMatchObject({ events: 3, letters: 1, duplicates: 0 });
    expect(again).toMatchObject({ events: 0, letters: 0, duplicates: 4 });
    expect(await complaintRecord(db, 'c-b', TEST_SEAL)).toEqual(before);
  });

  it('keeps each letter sealed, read back as sent, with the SHA-256 of its clear body', async () => {
    await apply(db, [...intakeEvents('c-c'), letter('c-c', 'ack', 'Dear Ada')]);
    const raw = await db.query<{
      body: string;
      body_key_id: string | null;
      body_sha256: string;
      recipient_type: string;
    }>("SELECT body, body_key_id, body_sha256, recipient_type FROM complaint_letters WHERE complaint_id = 'c-c'");
    expect(raw.rows).toEqual([
      {
        body: expect.any(String) as unknown,
        body_key_id: 'test-1',
        // printf 'Dear Ada' | sha256sum: the clear body's, not the sealed bytes'.
        body_sha256: '733f04181cd249cfd815f06ae53225b26c8d7b78f5cb464db6f156d3ffe9aed9',
        recipient_type: 'customer',
      },
    ]);
    // At rest: base64 of AES-GCM bytes, neither the text nor any word of it.
    const sealed = raw.rows[0]!.body;
    expect(sealed).not.toContain('Ada');
    expect(Buffer.from(sealed, 'base64').toString('utf8')).not.toContain('Ada');
    const record = await complaintRecord(db, 'c-c', TEST_SEAL);
    expect(record?.letters).toMatchObject([
      { body: 'Dear Ada', bodySha256: raw.rows[0]!.body_sha256, recipientType: 'customer' },
    ]);
    expect(record?.letters[0]).not.toHaveProperty('bodyError');
  });

  it('keeps the documents a letter encloses, by reference, and none for a letter that encloses nothing', async () => {
    const leaflet = {
      name: 'Financial Ombudsman Service leaflet',
      url: 'https://www.financial-ombudsman.org.uk/leaflet.pdf',
      sha256: 'a'.repeat(64),
    };
    const statement = { name: 'Statement, March 2026', documentId: 'doc-77', sha256: 'b'.repeat(64) };
    const final = letter('c-att', 'final', 'Dear Ada, our final response.');
    await apply(db, [
      { ...final, data: { ...final.data, kind: 'final-response', attachments: [leaflet, statement] } },
      letter('c-att', 'ack', 'Dear Ada, we have it.'),
    ]);
    const { rows } = await db.query<{ kind: string; attachments: unknown }>(
      "SELECT kind, attachments FROM complaint_letters WHERE complaint_id = 'c-att' ORDER BY kind",
    );
    expect(rows).toEqual([
      { kind: 'acknowledgement', attachments: [] },
      { kind: 'final-response', attachments: [leaflet, statement] },
    ]);
    // And in the record a complaint Temporal has forgotten answers with.
    await apply(db, intakeEvents('c-att'));
    const record = await complaintRecord(db, 'c-att', TEST_SEAL);
    expect(record?.letters.map((l) => l.attachments)).toEqual(expect.arrayContaining([[leaflet, statement], []]));
  });

  it('tracks a remedy the same whichever topic is read first', async () => {
    const at = '2026-03-05T10:00:00.000Z';
    const due = '2026-03-06T10:00:00.000Z';
    const life = (id: string) => [
      lifecycle(id, 'remedy-proposed:r1', 'complaint.remedy-proposed', at, {
        remedyId: 'r1',
        kind: 'refund',
        amount: 30,
        currency: 'GBP',
        needsApproval: false,
      }),
      lifecycle(id, 'remedy-approved:r1', 'complaint.remedy-approved', at, { remedyId: 'r1', by: 'agent-7' }),
      lifecycle(id, 'remedy-requested:r1', 'complaint.remedy-requested', at, { remedyId: 'r1', dueBy: due }),
      lifecycle(id, 'remedy-fulfilled:r1', 'complaint.remedy-fulfilled', '2026-03-05T12:00:00.000Z', {
        remedyId: 'r1',
      }),
    ];
    await apply(db, [...life('c-r1'), remedyRequest('c-r1', 'r1', at, due)]);
    await apply(db, [remedyRequest('c-r2', 'r1', at, due), ...life('c-r2')]);
    const [one, two] = await Promise.all([
      complaintRecord(db, 'c-r1', TEST_SEAL),
      complaintRecord(db, 'c-r2', TEST_SEAL),
    ]);
    // No complaint row was made (no complaint.opened): the remedies are still kept.
    expect(one).toBeUndefined();
    const rows = await db.query<Record<string, unknown>>(
      'SELECT complaint_id, kind, amount, currency, due_by, status, fulfilled_at FROM complaint_remedies ORDER BY complaint_id',
    );
    const norm = rows.rows.map(({ complaint_id: _c, due_by, fulfilled_at, ...r }) => ({
      ...r,
      due_by: (due_by as Date).toISOString(),
      fulfilled_at: (fulfilled_at as Date).toISOString(),
    }));
    expect(two).toBeUndefined();
    expect(norm).toEqual([
      {
        kind: 'refund',
        amount: 30,
        currency: 'GBP',
        status: 'fulfilled',
        due_by: due,
        fulfilled_at: '2026-03-05T12:00:00.000Z',
      },
      {
        kind: 'refund',
        amount: 30,
        currency: 'GBP',
        status: 'fulfilled',
        due_by: due,
        fulfilled_at: '2026-03-05T12:00:00.000Z',
      },
    ]);
  });

  it('records breaches, resolution, satisfaction and closure as facts', async () => {
    await apply(db, [
      ...intakeEvents('c-f'),
      lifecycle('c-f', 'breached:first-response:c0:x0', 'complaint.deadline-breached', '2026-03-03T09:00:00.000Z', {
        clock: 'first-response',
        deadline: '2026-03-03T09:00:00.000Z',
      }),
      lifecycle('c-f', 'resolved:c0', 'complaint.resolved', '2026-03-10T09:00:00.000Z', { outcome: 'upheld', csat: 4 }),
      lifecycle('c-f', 'closed', 'complaint.closed', '2026-03-20T09:00:00.000Z', {
        outcome: 'upheld',
        csat: 4,
        reopenCount: 0,
      }),
    ]);
    const record = await complaintRecord(db, 'c-f', TEST_SEAL);
    expect(record?.complaint).toMatchObject({
      breached: true,
      outcome: 'upheld',
      csat: 4,
      resolvedAt: '2026-03-10T09:00:00.000Z',
      closedAt: '2026-03-20T09:00:00.000Z',
    });
    expect(record?.breaches).toMatchObject([{ clock: 'first-response', at: '2026-03-03T09:00:00.000Z' }]);
    const surveys = await db.query<{ score: number }>("SELECT score FROM complaint_surveys WHERE complaint_id = 'c-f'");
    expect(surveys.rows).toEqual([{ score: 4 }]);
  });

  it('reads the metrics reports need from what it holds', async () => {
    const m = await readStoreMetrics(db);
    // c-f above: breached first-response, resolved 8 days after receipt with a 4, never reopened.
    expect(m.breachesByClock).toEqual([{ clock: 'first-response', n: 1 }]);
    expect(m.csat).toEqual({ count: 1, mean: 4 });
    expect(m.reopenRate).toBe(0);
    expect(m.timeToResolve).toMatchObject({ count: 1, p50: 8 * 24 * 3600 });
    expect(m.timeToAcknowledge.count).toBeGreaterThanOrEqual(3);
  });

  it('erases every record of complaints that ended before the retention cutoff, and nothing else', async () => {
    await apply(db, [
      ...intakeEvents('old-closed', '2017-06-01T09:00:00.000Z'),
      lifecycle('old-closed', 'closed', 'complaint.closed', '2018-01-01T09:00:00.000Z', {
        outcome: 'upheld',
        csat: null,
        reopenCount: 0,
      }),
      letter('old-closed', 'final', 'Dear customer', '2017-12-01T09:00:00.000Z'),
      ...intakeEvents('old-open', '2017-06-01T09:00:00.000Z'),
    ]);
    const before = await storeCountsOf(db);
    const erased = await eraseEndedBefore(db, retentionCutoff(new Date('2026-01-01T00:00:00Z'), 6));
    expect(erased).toEqual({
      complaints: 1,
      rows: expect.objectContaining({ complaints: 1, complaint_events: 4, complaint_letters: 1 }) as unknown,
    });
    expect(await getComplaint(db, 'old-closed')).toBeUndefined();
    expect(await getComplaint(db, 'old-open')).toBeDefined();
    const after = await storeCountsOf(db);
    expect(before.complaints - after.complaints).toBe(1);
    expect(before.letters - after.letters).toBe(1);
  });

  describe('lists', () => {
    // Ids and deadlines chosen so id order and deadline order disagree; two share a deadline, two have none.
    const rows: Array<[string, string | null, Partial<Parameters<typeof view>[0]>]> = [
      ['l-5', '2026-03-03T10:00:00.000Z', { assignee: 'agent-1', product: 'mortgage', searchTokens: ['t-a', 't-b'] }],
      ['l-1', '2026-03-04T10:00:00.000Z', { stage: 'listening', breached: true, searchTokens: ['t-a', 't-old'] }],
      ['l-3', '2026-03-03T10:00:00.000Z', { assignee: 'agent-1' }],
      ['l-2', null, { stage: 'closed', regime: 'cfpb', receivedAt: '2026-01-01T00:00:00.000Z' }],
      ['l-4', '2026-03-02T12:00:00.000Z', { severity: 'high' }],
      ['l-0', null, { stage: 'withdrawn' }],
    ];
    const scope: ComplaintFilter = { category: 'lists' };
    beforeAll(async () => {
      await apply(
        db,
        rows.map(([id, nextDeadline, over]) => updated(id, view({ nextDeadline, category: 'lists', ...over }))),
      );
    });
    const ids = async (f: ComplaintFilter, limit = 50) =>
      (await listComplaints(db, { ...scope, ...f }, { limit })).map((r) => r.complaintId);

    it('sorts by next deadline, none last, then id', async () => {
      expect(await ids({})).toEqual(['l-4', 'l-3', 'l-5', 'l-1', 'l-0', 'l-2']);
    });

    it('pages with a keyset, every complaint once, across equal and missing deadlines', async () => {
      const seen: string[] = [];
      let after: { nextDeadline: string | null; complaintId: string } | undefined;
      for (let i = 0; i < 10; i += 1) {
        const page = await listComplaints(db, scope, { limit: 2, ...(after ? { after } : {}) });
        if (page.length === 0) break;
        seen.push(...page.map((r) => r.complaintId));
        const last = page[page.length - 1]!;
        after = { nextDeadline: last.nextDeadline, complaintId: last.complaintId };
      }
      expect(seen).toEqual(['l-4', 'l-3', 'l-5', 'l-1', 'l-0', 'l-2']);
    });

    it('filters', async () => {
      expect(await ids({ stage: ['listening', 'closed'] })).toEqual(['l-1', 'l-2']);
      expect(await ids({ assignee: 'agent-1' })).toEqual(['l-3', 'l-5']);
      expect(await ids({ product: 'mortgage' })).toEqual(['l-5']);
      expect(await ids({ regime: 'cfpb' })).toEqual(['l-2']);
      expect(await ids({ severity: ['high'] })).toEqual(['l-4']);
      expect(await ids({ breached: true })).toEqual(['l-1']);
      expect(await ids({ nextDeadlineBy: '2026-03-03T10:00:00.000Z' })).toEqual(['l-4', 'l-3', 'l-5']);
      expect(await ids({ receivedFrom: '2026-02-01T00:00:00Z' })).not.toContain('l-2');
      expect(await ids({ receivedTo: '2026-02-01T00:00:00Z' })).toEqual(['l-2']);
    });

    it("searches the summaries' tokens: every token of any one set (one set per key of the ring)", async () => {
      expect(await ids({ searchTokens: [['t-a']] })).toEqual(['l-5', 'l-1']);
      expect(await ids({ searchTokens: [['t-a', 't-b']] })).toEqual(['l-5']);
      expect(await ids({ searchTokens: [['t-new'], ['t-old']] })).toEqual(['l-1']);
      expect(await ids({ searchTokens: [['t-a', 't-none']] })).toEqual([]);
      expect(await ids({ searchTokens: [] })).toEqual([]);
    });

    it('answers the list from the next-deadline index', async () => {
      // With few rows the planner may scan anyway; forbid that to see that an index can serve the order.
      const plan = await db.transaction(async (tx) => {
        await tx.exec('SET LOCAL enable_seqscan = off');
        const r = await tx.query<Record<string, string>>(
          'EXPLAIN SELECT complaint_id FROM complaints ORDER BY next_deadline ASC NULLS LAST, complaint_id LIMIT 10',
        );
        return r.rows.map((row) => Object.values(row).join(' ')).join('\n');
      });
      expect(plan).toMatch(/Index (Only )?Scan using complaints_next_deadline/);
    });
  });
});

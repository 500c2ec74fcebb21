import { textSeal } from '../../platform/store-seal';
import { pgliteDb, type Db } from '../../store/db';
import { complaintLetters, customerLetters, letterBodySha256, sealClearLetters } from '../../store/letters';
import { loadMigrations, migrate } from '../../store/migrate';
import { letter } from '../support/store-events';
import { applyEvents, DRIVERS, freshStore, TEST_SEAL, testSeal } from '../support/store';

/**
 * Letter bodies sealed at rest (migration 0008), on PGlite and PostgreSQL: written sealed to their row by
 * the projector's apply step, opened for every reader, and a body that cannot be opened (another ring, a
 * process without one, moved to another row, altered) says why on its letter alone while the rest of the
 * list reads. Rows stored in clear before the migration stay readable and are sealed by the projector's start.
 */
const BODY = 'Dear Grace, we are sorry the refund for your card ending 4242 took three weeks.';
/** The projector's seal in a deployment that runs without payload encryption on purpose. */
const CLEAR = textSeal({ clear: true });

/** A letter row as stored before migration 0008: the body in clear, `body_key_id` null. */
async function insertClear(db: Db, eventId: string, complaintId: string, body: string): Promise<void> {
  await db.query(
    `INSERT INTO complaint_letters (event_id, complaint_id, kind, channel, locale, recipient_type, subject, body,
       body_sha256, idempotency_key, occurred_at)
     VALUES ($1, $2, 'acknowledgement', 'email', 'en-GB', 'customer', 'We have it', $3, $4, $1, '2026-01-01T00:00:00Z')`,
    [eventId, complaintId, body, letterBodySha256(body)],
  );
}

const rawBody = async (db: Db, eventId: string) =>
  (
    await db.query<{ body: string; body_key_id: string | null }>(
      'SELECT body, body_key_id FROM complaint_letters WHERE event_id = $1',
      [eventId],
    )
  ).rows[0];

describe.each(DRIVERS)('letter bodies on %s', (driver) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await freshStore(driver));
    await applyEvents(db, [letter('b-1', 'ack', BODY), letter('b-1', 'final', 'Dear Grace, our final response.')]);
  });
  afterAll(() => close());

  it('stores the body sealed and reads it back as sent, its SHA-256 the clear body’s', async () => {
    const letters = await customerLetters(db, 'b-1', TEST_SEAL);
    expect(letters.map((l) => l.body).sort()).toEqual(['Dear Grace, our final response.', BODY]);
    const sent = letters.find((l) => l.body === BODY)!;
    expect(sent.bodySha256).toBe(letterBodySha256(BODY));
    const raw = await rawBody(db, sent.eventId);
    expect(raw?.body_key_id).toBe('test-1');
    for (const word of ['Grace', 'refund', '4242']) {
      expect(raw?.body).not.toContain(word);
      expect(Buffer.from(raw!.body, 'base64').toString('utf8')).not.toContain(word);
    }
  });

  it('says why on each letter it cannot open, naming the key, and never shows the sealed text', async () => {
    for (const [seal, why] of [
      [testSeal('other-1'), /letter body is encrypted with key test-1, which this ring does not hold/],
      [CLEAR, /letter body is sealed with key test-1, and this process runs without a payload key ring/],
    ] as const) {
      const letters = await complaintLetters(db, 'b-1', seal);
      expect(letters).toHaveLength(2);
      for (const l of letters) {
        expect(l.body).toBeNull();
        expect(l.body === null && l.bodyError).toMatch(why);
      }
    }
  });

  it('refuses a sealed body moved onto another letter, and still reads the others', async () => {
    const first = (await customerLetters(db, 'b-1', TEST_SEAL)).find((l) => l.body === BODY);
    await db.query(
      `INSERT INTO complaint_letters (event_id, complaint_id, kind, channel, locale, recipient_type, subject, body,
         body_key_id, body_sha256, idempotency_key, occurred_at)
       SELECT 'moved', 'b-2', kind, channel, locale, recipient_type, subject, body, body_key_id, body_sha256,
         'moved', occurred_at FROM complaint_letters WHERE event_id = $1`,
      [first!.eventId],
    );
    await applyEvents(db, [letter('b-2', 'own', 'Dear Alan, we have your complaint.')]);
    const letters = await complaintLetters(db, 'b-2', TEST_SEAL);
    expect(letters).toHaveLength(2);
    expect(letters.find((l) => l.eventId === 'moved')).toMatchObject({
      body: null,
      bodyError: expect.stringMatching(/failed authentication/) as unknown,
    });
    expect(letters.find((l) => l.eventId !== 'moved')?.body).toBe('Dear Alan, we have your complaint.');
  });

  it('reads a letter stored in clear, refuses one altered at rest, and seals the clear ones once', async () => {
    await insertClear(db, 'clear-1', 'b-3', 'Dear Ada, stored before 0008.');
    await insertClear(db, 'clear-2', 'b-3', 'Dear Ada, altered later.');
    await db.query(`UPDATE complaint_letters SET body = 'Dear Ada, altered LATER.' WHERE event_id = 'clear-2'`);
    const before = await complaintLetters(db, 'b-3', TEST_SEAL);
    expect(before.map((l) => l.body)).toEqual(['Dear Ada, stored before 0008.', null]);
    expect(before[1]).toMatchObject({ bodyError: expect.stringMatching(/does not match its SHA-256/) as unknown });

    // Without encryption there is nothing to seal with: the rows stay as they are.
    expect(await sealClearLetters(db, CLEAR)).toBe(0);
    expect(await rawBody(db, 'clear-1')).toEqual({ body: 'Dear Ada, stored before 0008.', body_key_id: null });

    expect(await sealClearLetters(db, TEST_SEAL)).toBe(2);
    expect(await sealClearLetters(db, TEST_SEAL)).toBe(0);
    const sealed = await rawBody(db, 'clear-1');
    expect(sealed?.body_key_id).toBe('test-1');
    expect(sealed?.body).not.toContain('Ada');
    // Sealed as it was: the good one reads as before, the altered one still fails its SHA-256.
    expect(await complaintLetters(db, 'b-3', TEST_SEAL)).toEqual(before);
  });

  it('seals more clear rows than one batch holds', async () => {
    await db.query(
      `INSERT INTO complaint_letters (event_id, complaint_id, kind, channel, locale, recipient_type, subject, body,
         body_sha256, idempotency_key, occurred_at)
       SELECT 'many-' || lpad(n::text, 4, '0'), 'b-4', 'progress', 'email', 'en-GB', 'customer', 'Update',
         'Dear Ada', $1, 'many-' || n, '2026-01-01T00:00:00Z' FROM generate_series(1, 450) AS n`,
      [letterBodySha256('Dear Ada')],
    );
    expect(await sealClearLetters(db, TEST_SEAL)).toBe(450);
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM complaint_letters WHERE body_key_id IS NULL',
    );
    expect(rows[0]!.n).toBe(0);
    const letters = await complaintLetters(db, 'b-4', TEST_SEAL);
    expect(new Set(letters.map((l) => l.body))).toEqual(new Set(['Dear Ada']));
  });
});

it('keeps the letters stored before migration 0008 readable, in clear until sealed', async () => {
  const { db } = await pgliteDb(undefined);
  try {
    const migrations = loadMigrations();
    expect(migrations.find((m) => m.version === 8)?.name).toBe('letter_bodies_sealed');
    await migrate(
      db,
      migrations.filter((m) => m.version < 8),
    );
    await insertClear(db, 'old-1', 'o-1', 'Dear Ada, from before.');
    expect(await migrate(db)).toEqual([8]);
    expect(await rawBody(db, 'old-1')).toEqual({ body: 'Dear Ada, from before.', body_key_id: null });
    expect((await customerLetters(db, 'o-1', TEST_SEAL)).map((l) => l.body)).toEqual(['Dear Ada, from before.']);
  } finally {
    await db.close();
  }
});

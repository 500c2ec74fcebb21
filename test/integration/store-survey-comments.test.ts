import { csatReport, csatReportCsv } from '../../store/quality-reports';
import type { Db } from '../../store/db';
import { decodeInboundComment, type StoreRecord } from '../../store/records';
import { surveyComments } from '../../store/survey-comments';
import { clearStore, snapshotStore } from '../../store/tables';
import { updated, view } from '../support/store-events';
import { applyEvents, applyStoreRecords, DRIVERS, freshStore, TEST_SEAL, testSeal } from '../support/store';

/**
 * Survey comments in the store (migration 0007), on PGlite and PostgreSQL: taken from upstream's
 * `survey.responded` (the only event that carries them), sealed at rest with the payload key ring, opened
 * for the API, counted (never shown) by the CSAT report, and kept by a rebuild.
 */
const COMMENT = 'The refund took three weeks and nobody called me back';

/** A `survey.responded` as upstream publishes it on complaints.events, as the projector reads it. */
function answer(complaintId: string, eventId: string, data: object, at = '2025-02-03T10:00:00.000Z') {
  const envelope = { eventId, type: 'survey.responded', complaintId, occurredAt: at, source: 'survey-tool', data };
  return decodeInboundComment(Buffer.from(JSON.stringify(envelope)), Buffer.from(complaintId));
}
const record = (r: StoreRecord | undefined): StoreRecord => {
  if (!r) throw new Error('expected a survey comment record');
  return r;
};
const PERIOD = { from: '2025-02-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z' };

describe.each(DRIVERS)('survey comments on %s', (driver) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await freshStore(driver));
    await applyEvents(db, [
      updated('s-1', view({ assignee: 'agent-a', category: 'billing', product: 'cards' })),
      updated('s-2', view({ assignee: 'agent-b', category: 'service', product: 'mortgage' })),
    ]);
  });
  afterAll(() => close());

  it('takes only confirmed answers that carry a comment', () => {
    expect(answer('s-1', 'e-0', { score: 2, comment: COMMENT, confirmed: false })).toBeUndefined();
    expect(answer('s-1', 'e-0', { score: 2, confirmed: true })).toBeUndefined();
    expect(answer('s-1', 'e-0', { score: 9, comment: COMMENT, confirmed: true })).toBeUndefined();
    expect(answer('s-1', 'e-0', { score: 2, comment: COMMENT, confirmed: true })).toMatchObject({
      kind: 'survey-comment',
      score: 2,
      comment: COMMENT,
    });
  });

  it('stores a comment sealed, opens it with the ring, and changes nothing on a redelivery', async () => {
    const first = record(answer('s-1', 'e-1', { score: 2, comment: COMMENT, confirmed: true }));
    expect((await applyStoreRecords(db, [first])).comments).toBe(1);
    expect((await applyStoreRecords(db, [first])).duplicates).toBe(1);
    const { rows } = await db.query<{ key_id: string | null; comment: string }>(
      'SELECT key_id, comment FROM complaint_survey_comments WHERE event_id = $1',
      ['e-1'],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_id).toBe('test-1');
    // At rest: neither the text nor any word of it.
    expect(rows[0]!.comment).not.toContain('refund');
    expect(Buffer.from(rows[0]!.comment, 'base64').toString('utf8')).not.toContain('refund');
    expect(await surveyComments(db, 's-1', TEST_SEAL)).toEqual([
      { eventId: 'e-1', score: 2, answeredAt: '2025-02-03T10:00:00.000Z', comment: COMMENT },
    ]);
  });

  it('refuses to open a comment under another ring, or moved onto another complaint', async () => {
    await expect(surveyComments(db, 's-1', testSeal('other-1'))).rejects.toThrow(/key test-1/);
    await db.query(
      `INSERT INTO complaint_survey_comments (event_id, complaint_id, score, answered_at, key_id, comment)
       SELECT 'e-moved', 's-2', score, answered_at, key_id, comment FROM complaint_survey_comments WHERE event_id = 'e-1'`,
    );
    await expect(surveyComments(db, 's-2', TEST_SEAL)).rejects.toThrow(/failed authentication/);
    await db.query(`DELETE FROM complaint_survey_comments WHERE event_id = 'e-moved'`);
  });

  it('counts comments in the CSAT report by group, and never carries their text', async () => {
    await applyStoreRecords(db, [
      record(answer('s-1', 'e-2', { score: 4, comment: 'Thanks', confirmed: true }, '2025-02-10T10:00:00.000Z')),
      record(answer('s-2', 'e-3', { score: 5, comment: 'Fine now', confirmed: true }, '2025-02-11T10:00:00.000Z')),
      // Outside the period: not counted.
      record(answer('s-2', 'e-4', { score: 5, comment: 'Late', confirmed: true }, '2025-03-05T10:00:00.000Z')),
    ]);
    const r = await csatReport(db, PERIOD);
    expect(r.comments).toEqual({
      overall: 3,
      byAgent: [
        { key: 'agent-a', comments: 2 },
        { key: 'agent-b', comments: 1 },
      ],
      byCategory: [
        { key: 'billing', comments: 2 },
        { key: 'service', comments: 1 },
      ],
      byProduct: [
        { key: 'cards', comments: 2 },
        { key: 'mortgage', comments: 1 },
      ],
    });
    const csv = csatReportCsv(r);
    expect(csv).toContain('\r\ncomments,,3,\r\ncomments_by_agent,agent-a,2,\r\n');
    for (const text of [COMMENT, 'Thanks', 'Fine now']) {
      expect(JSON.stringify(r)).not.toContain(text);
      expect(csv).not.toContain(text);
    }
  });

  it('keeps the comments through a rebuild, whose source topic may have expired', async () => {
    const before = await snapshotStore(db);
    await clearStore(db);
    const after = await snapshotStore(db);
    expect(after.complaints).toEqual([]);
    expect(after.complaint_survey_comments).toEqual(before.complaint_survey_comments);
    expect(after.complaint_survey_comments).toHaveLength(4);
  });
});

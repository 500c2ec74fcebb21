import { createHash } from 'node:crypto';
import type { Attachment } from '../domain/letters/firm-settings';
import { letterBodyContext, type TextSeal } from '../domain/sealed-text';
import type { Db, Queryable } from './db';

/**
 * The letters the store keeps (`complaint_letters`, from `complaints.notifications`), read with their
 * bodies opened by the payload key ring: the body is the customer's personal data and is sealed at rest
 * (migration 0008, platform/store-seal.ts), bound to its row. Every reader of a letter's body comes
 * through here, so none can show the sealed base64 as if it were the text.
 */

/**
 * A letter's body as a reader gets it: the text as sent, or `null` with why it could not be opened
 * (the ring lacks its key, it was altered or moved to another row, it does not match its SHA-256). One
 * letter that cannot be opened does not fail the others: a complaint's list of letters still answers.
 */
export type LetterBody = { body: string } | { body: null; bodyError: string };

/** A letter as the mailer was sent it. */
export type SentLetter = {
  eventId: string;
  idempotencyKey: string;
  kind: string;
  channel: string;
  locale: string;
  recipientType: string;
  subject: string;
  /** SHA-256 (hex) of the clear body: what a copy of the letter is checked against, with no key needed. */
  bodySha256: string;
  occurredAt: string;
  /** Documents the letter says are enclosed, by reference (migration 0006; `[]` for none). */
  attachments: Attachment[];
} & LetterBody;

interface LetterRow {
  event_id: string;
  complaint_id: string;
  idempotency_key: string;
  kind: string;
  channel: string;
  locale: string;
  recipient_type: string;
  subject: string;
  body: string;
  body_key_id: string | null;
  body_sha256: string;
  occurred_at: Date | string;
  attachments: Attachment[];
}

/** How the error of a body that cannot be opened names it (never its text). */
const WHAT = 'a stored letter body';

/** A letter's `body_sha256`: of the clear body as sent, UTF-8 (what the projector stores, store/records.ts). */
export const letterBodySha256 = (body: string): string => createHash('sha256').update(body, 'utf8').digest('hex');

/**
 * Opens one row's body. The SHA-256 is checked too: AES-GCM already refuses altered sealed bytes, but a
 * clear row (before migration 0008, or without encryption) has only its hash to prove it unchanged.
 */
function openBody(r: LetterRow, seal: TextSeal): LetterBody {
  let body: string;
  try {
    body = seal.open({ keyId: r.body_key_id, text: r.body }, letterBodyContext(r.event_id, r.complaint_id), WHAT);
  } catch (err) {
    return { body: null, bodyError: (err as Error).message };
  }
  if (letterBodySha256(body) !== r.body_sha256) {
    return { body: null, bodyError: `${WHAT} does not match its SHA-256: altered at rest` };
  }
  return { body };
}

/** A complaint's letters, oldest first, each body opened with `seal`; `customerOnly` leaves staff notifications out. */
export async function complaintLetters(
  db: Queryable,
  complaintId: string,
  seal: TextSeal,
  opts: { customerOnly?: boolean } = {},
): Promise<SentLetter[]> {
  const { rows } = await db.query<LetterRow>(
    `SELECT event_id, complaint_id, idempotency_key, kind, channel, locale, recipient_type, subject, body,
       body_key_id, body_sha256, occurred_at, attachments
     FROM complaint_letters WHERE complaint_id = $1 ${opts.customerOnly ? "AND recipient_type = 'customer'" : ''}
     ORDER BY occurred_at, event_id`,
    [complaintId],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    idempotencyKey: r.idempotency_key,
    kind: r.kind,
    channel: r.channel,
    locale: r.locale,
    recipientType: r.recipient_type,
    subject: r.subject,
    bodySha256: r.body_sha256,
    occurredAt: new Date(r.occurred_at).toISOString(),
    attachments: r.attachments,
    ...openBody(r, seal),
  }));
}

/** The letters a complaint's customer was sent, oldest first (the conversation's; staff notifications left out). */
export const customerLetters = (db: Queryable, complaintId: string, seal: TextSeal): Promise<SentLetter[]> =>
  complaintLetters(db, complaintId, seal, { customerOnly: true });

/** Clear rows sealed a transaction at a time: short, so the projector's store is not held for long. */
const SEAL_BATCH = 200;

/**
 * Seals the bodies still in clear (letters stored before migration 0008) with `seal`, bound to their rows,
 * and returns how many it sealed. The projector runs it at every start: a rebuild would not reseal them
 * (it keeps this table, and a letter older than its topic's retention is on no topic), and after the first
 * start it finds nothing, on the partial index of clear rows. Nothing is done when `seal` keeps text in
 * clear (the deployment runs without payload encryption on purpose). A row is updated only while it is
 * still clear, so two projectors starting at once seal each body once.
 */
export async function sealClearLetters(db: Db, seal: TextSeal): Promise<number> {
  let sealed = 0;
  let after = '';
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ event_id: string; complaint_id: string; body: string }>(
        `SELECT event_id, complaint_id, body FROM complaint_letters WHERE body_key_id IS NULL AND event_id > $1
         ORDER BY event_id LIMIT ${SEAL_BATCH}`,
        [after],
      );
      let updated = 0;
      for (const r of rows) {
        const s = seal.seal(r.body, letterBodyContext(r.event_id, r.complaint_id));
        if (s.keyId === null) return { rows: 0, updated: 0 };
        const { rows: done } = await tx.query(
          `UPDATE complaint_letters SET body = $2, body_key_id = $3 WHERE event_id = $1 AND body_key_id IS NULL
           RETURNING event_id`,
          [r.event_id, s.text, s.keyId],
        );
        updated += done.length;
      }
      after = rows[rows.length - 1]?.event_id ?? after;
      return { rows: rows.length, updated };
    });
    sealed += batch.updated;
    if (batch.rows < SEAL_BATCH) return sealed;
  }
}

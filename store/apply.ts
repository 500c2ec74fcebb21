import type { ComplaintView } from '../domain/complaint-view';
import { letterBodyContext, surveyCommentContext, type TextSeal } from '../domain/sealed-text';
import type { Queryable } from './db';
import { LifecycleData, type StoreRecord, type Unapplicable } from './records';

/**
 * Applies decoded records to the store inside the caller's transaction. Every write is idempotent, so
 * a batch applied twice (the projector crashed after the database committed and before Kafka did)
 * leaves the store as once:
 * - the event log, breaches, letters and surveys are keyed by event id (`ON CONFLICT DO NOTHING`), and
 *   an event's facts are applied only when its event id is new;
 * - the complaint row takes a view only when its `revision` is higher than the stored one;
 * - a remedy request fills only what is still empty;
 * - a survey comment is keyed by its `survey.responded` event id; it and a letter's body are sealed with
 *   `seal` before they are written (domain/sealed-text.ts): the store never holds them in clear unless the
 *   deployment runs without payload encryption on purpose. A letter's `body_sha256` is of the clear body.
 * The result does not depend on how the three topics interleave, which is what lets a rebuild from
 * offset zero (in whatever order it reads them) equal the live store.
 *
 * Each record runs under a SAVEPOINT: one the database refuses for its values (SQLSTATE class 22, data
 * exception, or 23, integrity constraint) is rolled back alone and returned as `refused`, for the
 * dead-letter topic, and the batch goes on. Any other error (the connection, a timeout, the server
 * shutting down, or a bug in this file's SQL) is thrown: it is not the record's fault, so the caller
 * rolls the whole batch back and retries it later rather than dead-lettering good records.
 */

/** Counts of what a batch changed, for logs and metrics. */
export interface Applied {
  views: number;
  events: number;
  letters: number;
  remedies: number;
  comments: number;
  duplicates: number;
  /** Records the database refused for their values, by index in the batch, with why (none written). */
  refused: Array<{ index: number; rejection: Unapplicable }>;
}

/** The SQLSTATE of a database error (pg and PGlite both carry it as `code`), else undefined. */
function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Why the database refused a record, when it is the record's values (class 22 or 23); undefined for
 * every other error. Only the SQLSTATE and the names the server gives (column, constraint) are kept:
 * the server's message quotes the offending value, and a dead letter's reason never holds values.
 */
function refusal(err: unknown, r: StoreRecord): Unapplicable | undefined {
  const state = sqlState(err);
  if (state === undefined || !(state.startsWith('22') || state.startsWith('23'))) return undefined;
  const e = err as { column?: unknown; constraint?: unknown };
  const where = [
    typeof e.column === 'string' ? `column ${e.column}` : undefined,
    typeof e.constraint === 'string' ? `constraint ${e.constraint}` : undefined,
  ].filter((w) => w !== undefined);
  const kind = state.startsWith('22') ? 'a data exception' : 'an integrity constraint violation';
  return {
    code: 'unapplicable',
    reason: `the store refused ${r.envelope.type}: SQLSTATE ${state} (${kind})${where.length > 0 ? ` on ${where.join(', ')}` : ''}`,
    errors: [],
    eventId: r.envelope.eventId,
    complaintId: r.envelope.complaintId,
  };
}

/**
 * Applies `records` in order, each under its own savepoint; returns what changed and what was refused.
 * `seal` seals the personal text the store keeps (survey comments, letter bodies) with the payload key ring.
 */
export async function applyRecords(tx: Queryable, records: readonly StoreRecord[], seal: TextSeal): Promise<Applied> {
  const applied: Applied = { views: 0, events: 0, letters: 0, remedies: 0, comments: 0, duplicates: 0, refused: [] };
  for (const [index, r] of records.entries()) {
    await tx.query('SAVEPOINT apply_record');
    let changed: boolean;
    try {
      changed = await applyOne(tx, r, seal);
    } catch (err) {
      const rejection = refusal(err, r);
      if (!rejection) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT apply_record');
      applied.refused.push({ index, rejection });
      continue;
    }
    await tx.query('RELEASE SAVEPOINT apply_record');
    if (!changed) applied.duplicates += 1;
    else if (r.kind === 'view') applied.views += 1;
    else if (r.kind === 'event') applied.events += 1;
    else if (r.kind === 'letter') applied.letters += 1;
    else if (r.kind === 'survey-comment') applied.comments += 1;
    else applied.remedies += 1;
  }
  return applied;
}

async function applyOne(tx: Queryable, r: StoreRecord, seal: TextSeal): Promise<boolean> {
  const { complaintId, occurredAt } = r.envelope;
  switch (r.kind) {
    case 'survey-comment': {
      const sealed = seal.seal(r.comment, surveyCommentContext(r.envelope.eventId, complaintId));
      const { rows } = await tx.query(
        `INSERT INTO complaint_survey_comments (event_id, complaint_id, score, answered_at, key_id, comment)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [r.envelope.eventId, complaintId, r.score, occurredAt, sealed.keyId, sealed.text],
      );
      return rows.length > 0;
    }
    case 'view':
      return upsertView(tx, complaintId, occurredAt, r.view);
    case 'letter': {
      const l = r.letter;
      // Sealed to this row (migration 0008); `bodySha256` stays the clear body's, what a copy is checked against.
      const body = seal.seal(l.body, letterBodyContext(r.envelope.eventId, complaintId));
      // A letter stored before migration 0006 has no attachments (`[]`); a rebuild keeps the letters (their
      // topic expires, store/tables.ts), so the re-read of a letter still on the topic fills them in. The
      // body is never rewritten: the first seal stays, so a re-read changes no byte of it.
      const { rows } = await tx.query(
        `INSERT INTO complaint_letters (event_id, complaint_id, kind, channel, locale, recipient_type, subject, body,
           body_sha256, idempotency_key, occurred_at, attachments, body_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)
         ON CONFLICT (event_id) DO UPDATE SET attachments = EXCLUDED.attachments
           WHERE complaint_letters.attachments = '[]'::jsonb AND EXCLUDED.attachments <> '[]'::jsonb
         RETURNING event_id`,
        [
          r.envelope.eventId,
          complaintId,
          l.kind,
          l.channel,
          l.locale,
          l.recipient.type,
          l.subject,
          body.text,
          l.bodySha256,
          l.idempotencyKey,
          occurredAt,
          // By reference only (name, url or documentId, sha256): the documents themselves are not stored.
          JSON.stringify(l.attachments ?? []),
          body.keyId,
        ],
      );
      return rows.length > 0;
    }
    case 'remedy-request': {
      const q = r.request;
      // Status and times come from the lifecycle events; the request adds what they lack (the due date).
      const { rows } = await tx.query(
        `INSERT INTO complaint_remedies (complaint_id, remedy_id, kind, amount, currency, due_by, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'requested')
         ON CONFLICT (complaint_id, remedy_id) DO UPDATE SET
           kind = COALESCE(complaint_remedies.kind, EXCLUDED.kind),
           amount = COALESCE(complaint_remedies.amount, EXCLUDED.amount),
           currency = COALESCE(complaint_remedies.currency, EXCLUDED.currency),
           due_by = COALESCE(complaint_remedies.due_by, EXCLUDED.due_by)
         WHERE complaint_remedies.kind IS NULL OR complaint_remedies.due_by IS NULL
           OR (complaint_remedies.amount IS NULL AND EXCLUDED.amount IS NOT NULL)
         RETURNING remedy_id`,
        [complaintId, q.remedyId, q.kind, q.amount ?? null, q.currency ?? null, q.dueBy ?? null],
      );
      return rows.length > 0;
    }
    case 'event': {
      const { rows } = await tx.query(
        `INSERT INTO complaint_events (event_id, complaint_id, type, occurred_at, data, topic, kafka_partition, kafka_offset)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [
          r.envelope.eventId,
          complaintId,
          r.envelope.type,
          occurredAt,
          JSON.stringify(r.envelope.data),
          r.at.topic,
          r.at.partition,
          r.at.offset,
        ],
      );
      if (rows.length === 0) return false;
      await applyFacts(tx, r.envelope.eventId, r.envelope.type, complaintId, occurredAt, r.envelope.data);
      return true;
    }
  }
}

async function upsertView(tx: Queryable, id: string, at: string, v: ComplaintView): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO complaints AS c (complaint_id, revision, stage, regime, policy_version, region, severity, category,
       product, channel, customer_id, assignee, escalated, breached, next_deadline, waiting_on_customer, remedy,
       outcome, csat, reopen_count, repeat_of, flag_count, received_at, first_response_at, final_response_at,
       updated_at, cause, search_tokens, vulnerable, held_drafts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18, $19, $20,
       $21::jsonb, $22, $23, $24, $25, $26, $27, $28::jsonb, $29, $30)
     ON CONFLICT (complaint_id) DO UPDATE SET
       revision = EXCLUDED.revision, stage = EXCLUDED.stage, regime = EXCLUDED.regime,
       policy_version = EXCLUDED.policy_version, region = EXCLUDED.region, severity = EXCLUDED.severity,
       category = EXCLUDED.category, product = EXCLUDED.product, channel = EXCLUDED.channel,
       customer_id = EXCLUDED.customer_id, assignee = EXCLUDED.assignee, escalated = EXCLUDED.escalated,
       breached = EXCLUDED.breached, next_deadline = EXCLUDED.next_deadline,
       waiting_on_customer = EXCLUDED.waiting_on_customer, remedy = EXCLUDED.remedy, outcome = EXCLUDED.outcome,
       csat = EXCLUDED.csat, reopen_count = EXCLUDED.reopen_count, repeat_of = EXCLUDED.repeat_of,
       flag_count = EXCLUDED.flag_count, received_at = EXCLUDED.received_at,
       first_response_at = EXCLUDED.first_response_at, final_response_at = EXCLUDED.final_response_at,
       cause = EXCLUDED.cause, search_tokens = EXCLUDED.search_tokens, vulnerable = EXCLUDED.vulnerable,
       held_drafts = EXCLUDED.held_drafts, updated_at = GREATEST(c.updated_at, EXCLUDED.updated_at)
     WHERE c.revision < EXCLUDED.revision
     RETURNING complaint_id`,
    [
      id,
      v.revision,
      v.stage,
      v.regime,
      v.policyVersion,
      v.region,
      v.severity,
      v.category,
      v.product,
      v.channel,
      v.customerId,
      v.assignee,
      v.escalated,
      v.breached,
      v.nextDeadline,
      v.waitingOnCustomer,
      v.remedy === null ? null : JSON.stringify(v.remedy),
      v.outcome,
      v.csat,
      v.reopenCount,
      JSON.stringify(v.repeatOf),
      v.flagCount,
      v.receivedAt,
      v.firstResponseAt,
      v.finalResponseAt,
      at,
      // Views published before the field existed carry no cause.
      v.cause ?? null,
      // Complaints opened before the search index have no tokens: not found by a text search.
      JSON.stringify(v.searchTokens ?? []),
      // Views from before the flags existed: not flagged, nothing held.
      v.vulnerable ?? false,
      v.heldDrafts ?? 0,
    ],
  );
  if (rows.length === 0) return false;
  await tx.query('DELETE FROM complaint_clocks WHERE complaint_id = $1', [id]);
  for (const c of v.clocks) {
    await tx.query(
      `INSERT INTO complaint_clocks (complaint_id, clock, kind, status, deadline, breached, met)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (complaint_id, clock) DO NOTHING`,
      [id, c.clock, c.kind, c.status, c.deadline, c.breached, c.met],
    );
  }
  return true;
}

/** Columns of the row that only the events keep current until the first view arrives (`revision` 0). */
const BEFORE_VIEW = 'complaint_id = $1 AND revision = 0';

/** What a new lifecycle event says beyond the log: the facts reports count, and the pre-view row. */
async function applyFacts(
  tx: Queryable,
  eventId: string,
  type: string,
  id: string,
  at: string,
  data: Record<string, unknown>,
): Promise<void> {
  const set = (sql: string, params: unknown[] = []) =>
    tx.query(`UPDATE complaints SET ${sql}, updated_at = GREATEST(updated_at, $2) WHERE complaint_id = $1`, [
      id,
      at,
      ...params,
    ]);
  const setBeforeView = (sql: string, params: unknown[] = []) =>
    tx.query(`UPDATE complaints SET ${sql}, updated_at = GREATEST(updated_at, $2) WHERE ${BEFORE_VIEW}`, [
      id,
      at,
      ...params,
    ]);
  // `column` is one of this file's literal column names, never input.
  const remedy = (status: string, column: string) =>
    tx.query(
      `INSERT INTO complaint_remedies (complaint_id, remedy_id, status, ${column}) VALUES ($1, $2, $3, $4)
       ON CONFLICT (complaint_id, remedy_id) DO UPDATE SET status = EXCLUDED.status, ${column} = EXCLUDED.${column}`,
      [id, LifecycleData.remedyId.parse(data).remedyId, status, at],
    );
  switch (type) {
    case 'complaint.opened': {
      const o = LifecycleData.opened.parse(data);
      await tx.query(
        `INSERT INTO complaints (complaint_id, revision, stage, regime, policy_version, severity, category, channel,
           repeat_of, received_at, updated_at)
         VALUES ($1, 0, 'received', $2, $3, $4, $5, $6, $7::jsonb, $8, $9) ON CONFLICT (complaint_id) DO NOTHING`,
        [
          id,
          o.regime,
          o.policyVersion,
          o.severity,
          o.category,
          o.channel,
          JSON.stringify(o.repeatOf),
          o.receivedAt,
          at,
        ],
      );
      return;
    }
    case 'complaint.acknowledged':
      await set('acknowledged_at = COALESCE(acknowledged_at, $2)');
      return;
    case 'complaint.stage-changed':
      await setBeforeView('stage = $3', [LifecycleData.stage.parse(data).to]);
      return;
    case 'complaint.deadline-breached': {
      const b = LifecycleData.breached.parse(data);
      await tx.query(
        `INSERT INTO complaint_breaches (event_id, complaint_id, clock, deadline, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (event_id) DO NOTHING`,
        [eventId, id, b.clock, b.deadline ?? null, at],
      );
      await setBeforeView('breached = true');
      return;
    }
    case 'complaint.escalated':
      await setBeforeView('escalated = true');
      return;
    case 'complaint.resolved': {
      const o = LifecycleData.outcome.parse(data);
      await set('resolved_at = $2');
      await setBeforeView('outcome = $3, csat = $4', [o.outcome ?? null, o.csat ?? null]);
      if (typeof o.csat === 'number') {
        await tx.query(
          `INSERT INTO complaint_surveys (event_id, complaint_id, score, at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (event_id) DO NOTHING`,
          [eventId, id, o.csat, at],
        );
      }
      return;
    }
    case 'complaint.reopened':
      // A reopened complaint is not resolved until it is resolved again.
      await set('resolved_at = NULL');
      await setBeforeView('reopen_count = reopen_count + 1, outcome = NULL');
      return;
    case 'complaint.closed':
      await set('closed_at = COALESCE(closed_at, $2)');
      return;
    case 'complaint.withdrawn':
      await set('withdrawn_at = COALESCE(withdrawn_at, $2)');
      return;
    case 'complaint.remedy-proposed': {
      const p = LifecycleData.remedyProposed.parse(data);
      await remedy('proposed', 'proposed_at');
      await tx.query(
        `UPDATE complaint_remedies SET kind = $3, amount = $4, currency = $5, needs_approval = $6
         WHERE complaint_id = $1 AND remedy_id = $2`,
        [id, p.remedyId, p.kind, p.amount, p.currency, p.needsApproval],
      );
      return;
    }
    case 'complaint.remedy-approved':
      await remedy('approved', 'approved_at');
      return;
    case 'complaint.remedy-declined':
      await remedy('declined', 'declined_at');
      return;
    case 'complaint.remedy-requested': {
      const q = LifecycleData.remedyRequested.parse(data);
      await remedy('requested', 'requested_at');
      if (q.dueBy) {
        await tx.query('UPDATE complaint_remedies SET due_by = $3 WHERE complaint_id = $1 AND remedy_id = $2', [
          id,
          q.remedyId,
          q.dueBy,
        ]);
      }
      return;
    }
    case 'complaint.remedy-fulfilled':
      await remedy('fulfilled', 'fulfilled_at');
      return;
    case 'complaint.remedy-failed':
      await remedy('failed', 'failed_at');
      return;
    default:
      return;
  }
}

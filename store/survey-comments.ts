import { surveyCommentContext, type TextSeal } from '../domain/sealed-text';
import type { Queryable } from './db';

/** One survey answer's comment as the API answers it: opened, with the answer's score and time. */
export interface SurveyComment {
  eventId: string;
  score: number;
  answeredAt: string;
  comment: string;
}

/**
 * A complaint's survey comments, oldest first, opened with `seal` (the payload key ring). Throws naming
 * the key when the ring no longer holds the one a comment was sealed under.
 */
export async function surveyComments(db: Queryable, complaintId: string, seal: TextSeal): Promise<SurveyComment[]> {
  const { rows } = await db.query<{
    event_id: string;
    score: number;
    answered_at: Date | string;
    key_id: string | null;
    comment: string;
  }>(
    `SELECT event_id, score, answered_at, key_id, comment FROM complaint_survey_comments
     WHERE complaint_id = $1 ORDER BY answered_at, event_id`,
    [complaintId],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    score: r.score,
    answeredAt: new Date(r.answered_at).toISOString(),
    comment: seal.open(
      { keyId: r.key_id, text: r.comment },
      surveyCommentContext(r.event_id, complaintId),
      'a stored survey comment',
    ),
  }));
}

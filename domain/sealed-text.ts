/**
 * Personal text the store keeps sealed at rest (survey comments, letter bodies): the projector seals it,
 * the API opens it, both through the payload key ring (platform/store-seal.ts). The types live here, in
 * the layer both the store and the platform import, so the two sides agree on the shape and the context.
 */

/**
 * Text as kept at rest: sealed (`keyId` names the ring key; `text` is base64 of iv ‖ ciphertext ‖ tag),
 * or in clear (`keyId` null) only when the deployment runs without payload encryption on purpose
 * (`REDRESS_PAYLOAD_ENCRYPTION=off`), the same decision Temporal's payloads and dead letters follow.
 */
export interface StoredText {
  keyId: string | null;
  text: string;
}

/** Seals and opens {@link StoredText} under a context (what the text belongs to). */
export interface TextSeal {
  seal(clear: string, context: string): StoredText;
  /**
   * Throws naming `what` (e.g. "a stored letter body", never the text) and the key when the ring cannot
   * open it, or when the text was moved to another context.
   */
  open(stored: StoredText, context: string, what: string): string;
}

/** A survey comment's context: its table and row, so sealed bytes copied onto another row fail to open. */
export const surveyCommentContext = (eventId: string, complaintId: string): string =>
  `complaint_survey_comments\0${eventId}\0${complaintId}`;

/** A letter body's context: its table and row, so a sealed body copied onto another letter fails to open. */
export const letterBodyContext = (eventId: string, complaintId: string): string =>
  `complaint_letters\0${eventId}\0${complaintId}`;

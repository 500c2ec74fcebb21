-- Letters carry the documents they enclose, by reference, as `notification.requested` names them
-- (domain/letters/notification-event.ts `attachments`: name, url or documentId, sha256): the record of a
-- letter must show what was sent with it, and the SHA-256 proves which version of the document that was.
-- A JSON array, empty when the letter enclosed nothing. Rows stored before this migration have `[]`
-- whatever their event said (the projector dropped the field then); a rebuild reads them again from
-- `complaints.notifications`.
ALTER TABLE complaint_letters ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';

-- Survey comments (issue 12): the free text a customer wrote with a confirmed survey answer
-- (`survey.responded` on complaints.events, the only place it travels). Personal data, so sealed at rest
-- with the payload key ring (platform/store-seal.ts): `comment` is base64 of AES-256-GCM bytes under the
-- ring key `key_id`, bound to this row's event and complaint ids; `key_id` is null only when the deployment
-- runs without payload encryption on purpose (then `comment` is the text). One row an answer that carried
-- a comment, keyed by the event id, so a redelivery changes nothing. Every confirmed answer with a comment
-- is kept, counted by the workflow or not (as the workflow's conversation keeps them).
CREATE TABLE complaint_survey_comments (
  event_id     text PRIMARY KEY,
  complaint_id text NOT NULL,
  score        integer NOT NULL,
  answered_at  timestamptz NOT NULL,
  key_id       text,
  comment      text NOT NULL
);
CREATE INDEX complaint_survey_comments_complaint ON complaint_survey_comments (complaint_id, answered_at);
CREATE INDEX complaint_survey_comments_answered ON complaint_survey_comments (answered_at);

-- Two flags of the record view the people's pages queue on (issue 14): whether the customer is flagged as
-- in vulnerable circumstances (FCA FG21/1; the flag only, never the drivers or needs, which are personal
-- data held by the workflow), and how many drafts the respect check holds for a supervisor. Views
-- published before either existed leave the defaults. Partial indexes in list order: each queue is a
-- small range scan however many complaints are open.
ALTER TABLE complaints ADD COLUMN vulnerable boolean NOT NULL DEFAULT false;
ALTER TABLE complaints ADD COLUMN held_drafts integer NOT NULL DEFAULT 0;
CREATE INDEX complaints_vulnerable_deadline ON complaints (next_deadline, complaint_id) WHERE vulnerable;
CREATE INDEX complaints_held_drafts_deadline ON complaints (next_deadline, complaint_id) WHERE held_drafts > 0;

-- The complaint record (DESIGN §6): what lists, queues and reports read, kept for years after Temporal
-- has forgotten the workflow. Fed only by the projector from the Kafka topics, so it can be rebuilt.
-- No customer personal data except in letters (the rendered body a customer received), which the
-- record must keep as sent; the retention job erases whole complaints.

-- One row a complaint: the newest ComplaintView (complaint.updated, `revision` > 0), or, before the
-- first view, what complaint.opened and the other lifecycle events say (`revision` 0).
CREATE TABLE complaints (
  complaint_id        text PRIMARY KEY,
  revision            integer NOT NULL DEFAULT 0,
  stage               text NOT NULL,
  regime              text NOT NULL,
  policy_version      integer,
  region              text,
  severity            text,
  category            text,
  product             text,
  channel             text,
  customer_id         text,
  assignee            text,
  escalated           boolean NOT NULL DEFAULT false,
  breached            boolean NOT NULL DEFAULT false,
  next_deadline       timestamptz,
  waiting_on_customer boolean NOT NULL DEFAULT false,
  remedy              jsonb,
  outcome             text,
  csat                double precision,
  reopen_count        integer NOT NULL DEFAULT 0,
  repeat_of           jsonb NOT NULL DEFAULT '[]',
  flag_count          integer NOT NULL DEFAULT 0,
  received_at         timestamptz NOT NULL,
  first_response_at   timestamptz,
  final_response_at   timestamptz,
  -- Facts from lifecycle events, whatever the view says: what reports count.
  acknowledged_at     timestamptz,
  resolved_at         timestamptz,
  closed_at           timestamptz,
  withdrawn_at        timestamptz,
  -- When the event that last changed this row happened (not when the projector applied it).
  updated_at          timestamptz NOT NULL
);
-- The list order (next deadline, none last; id), alone and behind the usual equality filters.
CREATE INDEX complaints_next_deadline ON complaints (next_deadline, complaint_id);
CREATE INDEX complaints_stage_deadline ON complaints (stage, next_deadline, complaint_id);
CREATE INDEX complaints_assignee_deadline ON complaints (assignee, next_deadline, complaint_id);
CREATE INDEX complaints_regime_deadline ON complaints (regime, next_deadline, complaint_id);
CREATE INDEX complaints_product_deadline ON complaints (product, next_deadline, complaint_id);
CREATE INDEX complaints_customer ON complaints (customer_id);
CREATE INDEX complaints_received ON complaints (received_at);
CREATE INDEX complaints_closed ON complaints (closed_at);

-- Each clock of the newest view, with its deadline (replaced with every view).
CREATE TABLE complaint_clocks (
  complaint_id text NOT NULL,
  clock        text NOT NULL,
  kind         text NOT NULL,
  status       text NOT NULL,
  deadline     timestamptz NOT NULL,
  breached     boolean NOT NULL,
  met          boolean,
  PRIMARY KEY (complaint_id, clock)
);
CREATE INDEX complaint_clocks_deadline ON complaint_clocks (clock, deadline);

-- Every lifecycle event but complaint.updated (the view is the row above), once: a redelivery of the
-- same event id changes nothing.
CREATE TABLE complaint_events (
  event_id     text PRIMARY KEY,
  complaint_id text NOT NULL,
  type         text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  data         jsonb NOT NULL,
  topic        text NOT NULL,
  kafka_partition integer NOT NULL,
  kafka_offset text NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, occurred_at);
CREATE INDEX complaint_events_type ON complaint_events (type, occurred_at);

-- Deadlines missed (complaint.deadline-breached), one a breach event.
CREATE TABLE complaint_breaches (
  event_id     text PRIMARY KEY,
  complaint_id text NOT NULL,
  clock        text NOT NULL,
  deadline     timestamptz,
  at           timestamptz NOT NULL
);
CREATE INDEX complaint_breaches_at ON complaint_breaches (at);
CREATE INDEX complaint_breaches_complaint ON complaint_breaches (complaint_id);

-- Letters sent (complaints.notifications): the rendered text as the customer (or supervisor) got it,
-- with its SHA-256 so a copy can be proven unchanged. Contact details are not kept.
CREATE TABLE complaint_letters (
  event_id        text PRIMARY KEY,
  complaint_id    text NOT NULL,
  kind            text NOT NULL,
  channel         text NOT NULL,
  locale          text NOT NULL,
  recipient_type  text NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  body_sha256     text NOT NULL,
  idempotency_key text NOT NULL,
  occurred_at     timestamptz NOT NULL
);
CREATE INDEX complaint_letters_complaint ON complaint_letters (complaint_id, occurred_at);

-- Remedies: requests (complaints.remedies) and their lifecycle (complaint.remedy-*), one row a remedy.
CREATE TABLE complaint_remedies (
  complaint_id   text NOT NULL,
  remedy_id      text NOT NULL,
  kind           text,
  amount         double precision,
  currency       text,
  due_by         timestamptz,
  needs_approval boolean,
  status         text NOT NULL,
  proposed_at    timestamptz,
  approved_at    timestamptz,
  declined_at    timestamptz,
  requested_at   timestamptz,
  fulfilled_at   timestamptz,
  failed_at      timestamptz,
  PRIMARY KEY (complaint_id, remedy_id)
);

-- Satisfaction as the workflow counted it (a confirmed survey answer, at resolution).
CREATE TABLE complaint_surveys (
  event_id     text PRIMARY KEY,
  complaint_id text NOT NULL,
  score        double precision NOT NULL,
  at           timestamptz NOT NULL
);
CREATE INDEX complaint_surveys_at ON complaint_surveys (at);

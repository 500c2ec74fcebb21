-- The people's pages' sessions (clients/web/sessions.ts), shared by every API process behind a load
-- balancer. Keyed by the SHA-256 of the session token, never the token itself: a copy of this table signs
-- no one in. Expiry is absolute (`expires_at`) and idle (`idle_until`, moved on by every request); a row
-- past either is ignored and swept. `flash` is what an action's POST leaves for the page it redirects to,
-- cleared when that page shows it; it holds what a person typed, so it is sealed under a key derived from
-- the session token (clients/web/store-sessions.ts) and unreadable from the table alone.
CREATE TABLE web_sessions (
  token_sha256 text PRIMARY KEY,
  principal_id text NOT NULL,
  role         text NOT NULL,
  csrf         text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  idle_until   timestamptz NOT NULL,
  flash        jsonb
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);

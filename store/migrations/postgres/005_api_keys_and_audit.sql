-- Mirrors sqlite/005_api_keys_and_audit.sql.
-- API keys: an operator key reaches every event, an organiser key only its own events. Only a
-- hash of each key's secret is kept; the key itself is shown once, when it is made.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  event_ids TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  revoked_at_ms BIGINT
);

-- Who did what to which event, and when: every change made through the API. No secrets.
-- Appends take a lock so numbers are committed in order: a reader paging by seq skips none.
CREATE TABLE audit_log (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  event_id TEXT,
  status INTEGER NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX audit_log_event ON audit_log (event_id, seq);

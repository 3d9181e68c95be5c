-- Mirrors sqlite/006_idempotency_and_audit_targets.sql.
-- The key a change to keys was aimed at (minted or revoked), so the audit trail names it.
ALTER TABLE audit_log ADD COLUMN target_key_id TEXT;

-- Answers to changes sent with an Idempotency-Key header, so a retry gets the first answer and
-- applies nothing twice. Scoped to the API key, the route and the event; kept for 24 hours. The
-- answer is sealed (it may carry a join link); it is null while the first request is in flight.
CREATE TABLE idempotency_keys (
  api_key_id TEXT NOT NULL,
  route TEXT NOT NULL,
  event_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_fingerprint TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  answer_status INTEGER,
  answer_sealed TEXT,
  PRIMARY KEY (api_key_id, route, event_id, idempotency_key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at_ms);

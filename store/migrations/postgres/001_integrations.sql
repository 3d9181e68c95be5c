-- Mirrors sqlite/001_integrations.sql. Types: milliseconds are BIGINT, other integers INTEGER.
-- Credentials are immutable rows: a save adds a candidate, a successful mint promotes it.
CREATE TABLE zoom_credentials (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  client_secret_sealed TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX zoom_credentials_event ON zoom_credentials (event_id);

-- One row per connected event: which credentials are active and the current token.
CREATE TABLE zoom_connections (
  event_id TEXT PRIMARY KEY,
  credentials_id TEXT NOT NULL REFERENCES zoom_credentials (id),
  access_token_sealed TEXT NOT NULL,
  token_preview TEXT NOT NULL,
  token_fingerprint TEXT NOT NULL,
  scopes TEXT NOT NULL,
  minted_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);

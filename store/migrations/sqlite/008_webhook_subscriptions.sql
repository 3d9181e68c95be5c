-- Receivers of the notification feed. The signing secret is sealed like client secrets; after a
-- rotation the previous one stays (sealed) until `previous_secret_expires_at_ms`, so receivers
-- can switch without losing a delivery. `cursor_seq` is the last notification delivered: the
-- delivery workflow advances it after each 2xx, so order holds and a crash re-sends one at most.
CREATE TABLE webhook_subscriptions (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  -- A JSON array of notification types; empty means every type.
  event_types TEXT NOT NULL,
  secret_sealed TEXT NOT NULL,
  previous_secret_sealed TEXT,
  previous_secret_expires_at_ms INTEGER,
  state TEXT NOT NULL CHECK (state IN ('active', 'failing')),
  state_changed_at_ms INTEGER NOT NULL,
  failure_reason TEXT,
  cursor_seq INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);

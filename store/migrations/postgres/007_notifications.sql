-- Mirrors sqlite/007_notifications.sql.
-- Every change the platform is told about, appended in the same transaction as the change it
-- describes, so no change is ever without its notification. `seq` orders them and serves as the
-- feed's cursor; `id` is the public id (and a webhook's `webhook-id`). The payload holds no secret.
-- Appends take a lock so numbers are committed in order: a reader paging by seq skips none.
CREATE TABLE notifications (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX notifications_event ON notifications (event_id, seq);

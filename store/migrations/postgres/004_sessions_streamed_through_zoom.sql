-- Mirrors sqlite/004_sessions_streamed_through_zoom.sql.
-- What an organiser plans for a session: its local start time and zone (Zoom gets the UTC
-- instant computed from them), length, audience and how it streams.
ALTER TABLE sessions ADD COLUMN start_local TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE sessions ADD COLUMN start_utc_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN duration_minutes INTEGER NOT NULL DEFAULT 60;
ALTER TABLE sessions ADD COLUMN expected_attendees INTEGER NOT NULL DEFAULT 1;
-- 'off' or 'zoom'; with 'zoom', the kind and the host the organiser chose (null while the
-- event has no hosts, which the organiser is told about).
ALTER TABLE sessions ADD COLUMN stream_source TEXT NOT NULL DEFAULT 'off';
ALTER TABLE sessions ADD COLUMN stream_kind TEXT;
ALTER TABLE sessions ADD COLUMN stream_host_id TEXT;
-- The meeting or webinar on Zoom behind the session; zoom_host_id (the mapping that blocks a
-- host's removal) is the host it was created under. The start link is never stored.
ALTER TABLE sessions ADD COLUMN zoom_meeting_id TEXT;
ALTER TABLE sessions ADD COLUMN zoom_meeting_kind TEXT;
ALTER TABLE sessions ADD COLUMN zoom_join_url TEXT;
-- Bumped by every change, so a Zoom save that raced an edit can tell it lost.
ALTER TABLE sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN updated_at_ms BIGINT NOT NULL DEFAULT 0;

-- Meetings and webinars to delete on Zoom once a valid token allows it; written in the same
-- transaction that turned a session off, deleted it or moved it to another meeting.
CREATE TABLE zoom_meeting_deletions (
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  meeting_id TEXT COLLATE "C" NOT NULL,
  session_id TEXT NOT NULL,
  enqueued_at_ms BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, kind, meeting_id)
);

-- A Zoom create in flight for a session: written before the call, filled with what Zoom
-- answered, consumed by the commit. Zoom's create has no idempotency key; a row found here
-- before a create means an earlier attempt may have created the meeting already.
CREATE TABLE zoom_meeting_writes (
  event_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  host_id TEXT NOT NULL,
  meeting_id TEXT,
  join_url TEXT,
  started_at_ms BIGINT NOT NULL,
  PRIMARY KEY (event_id, session_id)
);

-- Zoom allows each host 100 meeting or webinar creates and updates per UTC day; counted here
-- per account, as Zoom does, so every worker respects it before Zoom has to refuse.
CREATE TABLE zoom_host_daily_writes (
  account_id TEXT NOT NULL,
  zoom_user_id TEXT NOT NULL,
  utc_day TEXT NOT NULL,
  writes INTEGER NOT NULL,
  PRIMARY KEY (account_id, zoom_user_id, utc_day)
);

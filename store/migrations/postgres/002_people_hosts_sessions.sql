-- Mirrors sqlite/002_people_hosts_sessions.sql. Ids that pages are ordered and cut by compare
-- byte by byte (COLLATE "C"), as SQLite does, whatever the database's locale.
-- People of an event; an email is unique per event whatever its case.
CREATE TABLE people (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT NOT NULL,
  email_key TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  UNIQUE (event_id, email_key)
);

-- Zoom hosts of an event, keyed by Zoom's user id; the email is Zoom's canonical one.
CREATE TABLE zoom_hosts (
  event_id TEXT NOT NULL,
  zoom_user_id TEXT COLLATE "C" NOT NULL,
  person_id TEXT NOT NULL REFERENCES people (id),
  email TEXT NOT NULL,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  zoom_state TEXT NOT NULL,
  expected_attendees INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  webinar_capacity INTEGER NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (event_id, zoom_user_id)
);

-- Sessions of an event; a Zoom host mapped here cannot be removed (the foreign key restricts it).
CREATE TABLE sessions (
  id TEXT COLLATE "C" PRIMARY KEY,
  event_id TEXT NOT NULL,
  title TEXT NOT NULL,
  zoom_host_id TEXT COLLATE "C",
  created_at_ms BIGINT NOT NULL,
  FOREIGN KEY (event_id, zoom_host_id) REFERENCES zoom_hosts (event_id, zoom_user_id)
    ON DELETE RESTRICT
);
CREATE INDEX sessions_host ON sessions (event_id, zoom_host_id);

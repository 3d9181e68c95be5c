-- Mirrors sqlite/003_zoom_user_staging_and_pacing.sql.
-- Zoom users read by an import or a sync, held aside until the whole scan is in: the hosts
-- change in one transaction at the end, so a scan that fails half-way writes nothing.
CREATE TABLE zoom_user_staging (
  batch_id TEXT NOT NULL,
  zoom_user_id TEXT COLLATE "C" NOT NULL,
  present BOOLEAN NOT NULL,
  email TEXT NOT NULL,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  type INTEGER NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (batch_id, zoom_user_id)
);

-- Zoom's per-second limits are per account, whatever the event or process: the next free slot
-- per account and category, shared by every worker through the store.
CREATE TABLE zoom_call_slots (
  account_id TEXT NOT NULL,
  category TEXT NOT NULL,
  next_slot_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, category)
);

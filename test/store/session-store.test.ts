import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { GreenroomStore, LocalSessionSave } from '../../store/types.js';
import {
  licensedHost,
  PLAN,
  commitMeeting,
  sessionStreamingThrough,
  stopStreaming,
} from '../support/sessions.js';
import { openStoreAt, useStoreBackends } from '../support/store-backends.js';

let store: GreenroomStore;
const EVENT = 'evt-1';

function localSave(overrides: Partial<LocalSessionSave> = {}): LocalSessionSave {
  return {
    eventId: EVENT,
    sessionId: 'session-1',
    plan: PLAN,
    stream: { source: 'off' },
    expectedRevision: null,
    ...overrides,
  };
}

describe.each(useStoreBackends())('$name session store', (backend) => {
  beforeEach(async () => {
    store = await backend.open(createSecretBox(generateKey()));
    for (const hostId of ['host-a', 'host-b']) await licensedHost(store, EVENT, hostId);
  });

  afterEach(async () => {
    await store.close();
  });

  describe('when sessions are saved without Zoom', () => {
    it('creates, updates by revision and refuses a stale or duplicate save', async () => {
      const created = await store.saveSessionLocally(localSave());
      expect(created).toMatchObject({ kind: 'saved', session: { revision: 1, zoom: null } });
      expect(await store.saveSessionLocally(localSave())).toMatchObject({ kind: 'conflict' });

      const renamed = localSave({ plan: { ...PLAN, title: 'Renamed' }, expectedRevision: 1 });
      expect(await store.saveSessionLocally(renamed)).toMatchObject({
        kind: 'saved',
        session: { title: 'Renamed', revision: 2 },
      });
      expect(await store.saveSessionLocally(renamed)).toMatchObject({ kind: 'conflict' });
      const missing = localSave({ sessionId: 'nope', expectedRevision: 1 });
      expect(await store.saveSessionLocally(missing)).toEqual({ kind: 'not_found' });
    });

    it('keeps a Zoom stream without a host until the organiser adds hosts', async () => {
      const stream = { source: 'zoom', kind: 'webinar', hostId: null } as const;
      const saved = await store.saveSessionLocally(localSave({ stream }));
      expect(saved).toMatchObject({ kind: 'saved', session: { stream, zoom: null } });
    });
  });

  describe('when a meeting is committed to a session', () => {
    it('maps the host, keeps the join link and pages the sessions', async () => {
      const { sessionId, result } = await sessionStreamingThrough(store, EVENT, 'host-a');
      expect(result).toMatchObject({
        kind: 'committed',
        replacedMeeting: false,
        session: {
          id: sessionId,
          stream: { source: 'zoom', kind: 'meeting', hostId: 'host-a' },
          zoom: { kind: 'meeting', hostId: 'host-a' },
        },
      });
      const committed = result.kind === 'committed' ? result.session : null;
      expect(committed?.zoom?.joinUrl).toContain(committed?.zoom?.meetingId);
      expect(await store.knownMeetingIds(EVENT, sessionId)).toEqual([committed?.zoom?.meetingId]);
      await sessionStreamingThrough(store, EVENT, 'host-a', 'Second');
      const first = await store.listSessions(EVENT, 1, null);
      const second = await store.listSessions(EVENT, 1, first.nextCursor);
      expect([first.items.length, second.items.length, second.nextCursor]).toEqual([1, 1, null]);
    });

    it('refuses a local save that would orphan the meeting while still streaming', async () => {
      const { sessionId } = await sessionStreamingThrough(store, EVENT, 'host-a');
      const session = await store.readSession(EVENT, sessionId);
      const save = localSave({
        sessionId,
        plan: { ...PLAN, title: 'Changed' },
        stream: { source: 'zoom', kind: 'meeting', hostId: 'host-a' },
        expectedRevision: session?.revision ?? 0,
      });
      expect(await store.saveSessionLocally(save)).toEqual({ kind: 'has_meeting' });
    });

    it('queues the replaced meeting for deletion only once the new one is committed', async () => {
      const { sessionId, result } = await sessionStreamingThrough(store, EVENT, 'host-a');
      const oldId = result.kind === 'committed' ? result.session.zoom?.meetingId : '';
      const revision = result.kind === 'committed' ? result.session.revision : 0;
      expect(await store.listMeetingDeletions(EVENT, 10)).toEqual([]);

      const moved = await commitMeeting(store, EVENT, sessionId, 'host-b', revision);
      expect(moved).toMatchObject({ kind: 'committed', replacedMeeting: true });
      expect(moved.kind === 'committed' && moved.session.zoom?.hostId).toBe('host-b');
      expect(await store.listMeetingDeletions(EVENT, 10)).toEqual([
        { kind: 'meeting', meetingId: oldId, sessionId, attempts: 0 },
      ]);
      expect(await store.removeHost(EVENT, 'host-a')).toEqual({ removed: true });
    });

    it('releases the new meeting when the session changed while Zoom was called', async () => {
      const { sessionId, result } = await sessionStreamingThrough(store, EVENT, 'host-a');
      const revision = result.kind === 'committed' ? result.session.revision : 0;
      await stopStreaming(store, EVENT, sessionId);

      const late = await commitMeeting(store, EVENT, sessionId, 'host-b', revision);
      expect(late).toEqual({ kind: 'lost_race', reason: 'session_changed' });
      const deletions = await store.listMeetingDeletions(EVENT, 10);
      expect(deletions).toHaveLength(2);
      expect((await store.readSession(EVENT, sessionId))?.zoom).toBeNull();
    });
  });

  describe('when a create is in flight', () => {
    it('tells a retry that an earlier attempt may have created the meeting', async () => {
      await store.saveSessionLocally(localSave());
      expect(await store.beginMeetingWrite(EVENT, 'session-1', 'meeting', 'host-a')).toEqual({
        resumed: false,
      });
      await store.recordMeetingCreated(EVENT, 'session-1', {
        kind: 'meeting',
        meetingId: '42',
        joinUrl: 'j',
      });
      expect(await store.beginMeetingWrite(EVENT, 'session-1', 'meeting', 'host-a')).toEqual({
        resumed: true,
      });
      expect(await store.knownMeetingIds(EVENT, 'session-1')).toEqual(['42']);
    });

    it('releases what an abandoned or superseded create made', async () => {
      await store.saveSessionLocally(localSave());
      await store.beginMeetingWrite(EVENT, 'session-1', 'meeting', 'host-a');
      await store.recordMeetingCreated(EVENT, 'session-1', {
        kind: 'meeting',
        meetingId: '42',
        joinUrl: 'j',
      });
      await store.beginMeetingWrite(EVENT, 'session-1', 'webinar', 'host-b');
      expect(await store.listMeetingDeletions(EVENT, 10)).toMatchObject([{ meetingId: '42' }]);
      await store.recordMeetingCreated(EVENT, 'session-1', {
        kind: 'webinar',
        meetingId: '43',
        joinUrl: 'j',
      });
      await store.abandonMeetingWrite(EVENT, 'session-1');
      expect(await store.listMeetingDeletions(EVENT, 10)).toHaveLength(2);
    });
  });

  describe('when a session is deleted while Zoom creates its meeting', () => {
    it('releases the meeting whose create answered after the write was given up', async () => {
      await store.saveSessionLocally(localSave());
      await store.beginMeetingWrite(EVENT, 'session-1', 'meeting', 'host-a');
      await store.deleteSession(EVENT, 'session-1');
      const meeting = { kind: 'meeting', meetingId: '77', joinUrl: 'j' } as const;
      expect(await store.recordMeetingCreated(EVENT, 'session-1', meeting)).toBe(false);
      expect(await store.listMeetingDeletions(EVENT, 10)).toMatchObject([{ meetingId: '77' }]);
    });
  });

  describe('when a session is deleted', () => {
    it('releases its meeting and finishes the deletion once Zoom confirms it', async () => {
      const { sessionId } = await sessionStreamingThrough(store, EVENT, 'host-a');
      expect(await store.deleteSession(EVENT, sessionId)).toEqual({ meetingReleased: true });
      expect(await store.readSession(EVENT, sessionId)).toBeNull();
      expect(await store.deleteSession(EVENT, sessionId)).toBeNull();
      const [pending] = await store.listMeetingDeletions(EVENT, 10);
      if (!pending) throw new Error('the deletion was not queued');
      await store.countMeetingDeletionAttempt(EVENT, pending.kind, pending.meetingId);
      expect(await store.listMeetingDeletions(EVENT, 10)).toMatchObject([{ attempts: 1 }]);
      await store.finishMeetingDeletion(EVENT, pending.kind, pending.meetingId);
      expect(await store.listMeetingDeletions(EVENT, 10)).toEqual([]);
    });
  });

  describe('when a host is written to daily', () => {
    it('counts creates and updates per host and UTC day up to the limit', async () => {
      const reserve = (hostId: string, day: string) =>
        store.reserveHostDailyWrite('acct', hostId, day, 3);
      const today = await Promise.all([1, 2, 3, 4].map(() => reserve('host-a', '2027-03-01')));
      // Sent at once, they may be counted in any order: three of the four get through.
      expect(today.filter(Boolean)).toHaveLength(3);
      expect(await reserve('host-b', '2027-03-01')).toBe(true);
      expect(await reserve('host-a', '2027-03-02')).toBe(true);
    });

    it('lets two processes writing at once take the day’s budget exactly once', async () => {
      const location = await backend.freshLocation();
      const box = createSecretBox(generateKey());
      const first = await openStoreAt(location, box);
      const second = await openStoreAt(location, box);
      const attempts = Array.from({ length: 30 }, (_, n) =>
        (n % 2 === 0 ? first : second).reserveHostDailyWrite('acct', 'host-a', '2027-03-01', 7),
      );
      const granted = (await Promise.all(attempts)).filter(Boolean);
      expect(granted).toHaveLength(7);
      await Promise.all([first.close(), second.close()]);
    });
  });
});

describe('join links at rest', () => {
  it('are sealed in the file, read in the clear, and an older store’s are sealed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenroom-join-links-'));
    const filename = join(dir, 'store.db');
    const box = createSecretBox(generateKey());
    const first = createSqliteStore({ filename, secretBox: box });
    await licensedHost(first, EVENT, 'host-a');
    const { sessionId, result } = await sessionStreamingThrough(first, EVENT, 'host-a');
    await first.close();
    const meetingId = result.kind === 'committed' ? result.session.zoom?.meetingId : '';
    const link = `https://zoom.example/j/${meetingId}`;
    expect(readFileSync(filename).toString('latin1')).not.toContain(link);

    // As a store before sealing would have left it: the link in the clear.
    const raw = new Database(filename);
    raw.prepare('UPDATE sessions SET zoom_join_url = ? WHERE id = ?').run(link, sessionId);
    raw.close();
    const reopened = createSqliteStore({ filename, secretBox: box });
    const session = await reopened.readSession(EVENT, sessionId);
    await reopened.close();
    const stored = readFileSync(filename).toString('latin1');
    rmSync(dir, { recursive: true, force: true });

    expect(result).toMatchObject({ kind: 'committed', session: { zoom: { joinUrl: link } } });
    expect(session?.zoom?.joinUrl).toBe(link);
    expect(stored).not.toContain(link);
  });
});

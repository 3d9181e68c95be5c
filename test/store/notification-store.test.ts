import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import type { GreenroomStore } from '../../store/types.js';
import {
  commitMeeting,
  licensedHost,
  sessionStreamingThrough,
  stopStreaming,
} from '../support/sessions.js';
import { useStoreBackends } from '../support/store-backends.js';

const EVENT = 'evt-feed';
let store: GreenroomStore;

async function feed(eventId = EVENT) {
  const items = await store.listNotifications({ afterSeq: 0, limit: 100, eventId });
  return items.map(({ type, payload }) => ({ type, ...payload }));
}

async function connect(clientId: string) {
  const credentialsId = await store.saveCandidateCredentials({
    eventId: EVENT,
    accountId: 'acct-1',
    clientId,
    clientSecret: 'Client-Secret-Not-In-Feed-41',
  });
  await store.commitToken({
    eventId: EVENT,
    credentialsId,
    accessToken: 'access-token-not-in-feed-77',
    mintedAtMs: 1,
    expiresAtMs: 3_600_001,
    scopes: [],
  });
  return credentialsId;
}

describe.each(useStoreBackends())('$name notifications feed', (backend) => {
  beforeEach(async () => {
    store = await backend.open(createSecretBox(generateKey()));
  });

  afterEach(async () => {
    await store.close();
  });

  it('tells of credentials proven and of a disconnect, never of a secret', async () => {
    const credentialsId = await connect('client-1');
    // A regenerated token with the same credentials is no news.
    await store.commitToken({
      eventId: EVENT,
      credentialsId,
      accessToken: 'another-token-not-in-feed-78',
      mintedAtMs: 2,
      expiresAtMs: 3_600_002,
      scopes: [],
    });
    await connect('client-2');
    await store.eraseEvent(EVENT);
    await store.eraseEvent(EVENT);

    expect(await feed()).toStrictEqual([
      { type: 'integration.credentials_saved', accountId: 'acct-1', clientId: 'client-1' },
      { type: 'integration.credentials_saved', accountId: 'acct-1', clientId: 'client-2' },
      { type: 'integration.disconnected' },
    ]);
    expect(JSON.stringify(await feed())).not.toMatch(/not-in-feed/);
  });

  it('tells of a meeting created, moved to another host and deleted on Zoom', async () => {
    for (const hostId of ['host-a', 'host-b']) await licensedHost(store, EVENT, hostId);
    const { sessionId, result } = await sessionStreamingThrough(store, EVENT, 'host-a');
    const first = result.kind === 'committed' ? result.session.zoom?.meetingId : undefined;
    const revision = result.kind === 'committed' ? result.session.revision : 0;
    await commitMeeting(store, EVENT, sessionId, 'host-b', revision);
    const moved = (await store.readSession(EVENT, sessionId))?.zoom?.meetingId;
    await stopStreaming(store, EVENT, sessionId);
    for (const deletion of await store.listMeetingDeletions(EVENT, 10)) {
      await store.finishMeetingDeletion(EVENT, deletion.kind, deletion.meetingId);
    }

    expect(await feed()).toStrictEqual([
      {
        type: 'session.zoom_meeting_created',
        sessionId,
        kind: 'meeting',
        meetingId: first,
        hostId: 'host-a',
      },
      {
        type: 'session.zoom_meeting_moved',
        sessionId,
        kind: 'meeting',
        meetingId: moved,
        hostId: 'host-b',
        previousHostId: 'host-a',
        previousMeetingId: first,
      },
      { type: 'session.zoom_meeting_deleted', sessionId, kind: 'meeting', meetingId: first },
      { type: 'session.zoom_meeting_deleted', sessionId, kind: 'meeting', meetingId: moved },
    ]);
  });

  it('tells of a host that lost its licence in a sync, with the sessions it affects', async () => {
    await licensedHost(store, EVENT, 'host-a');
    const { sessionId } = await sessionStreamingThrough(store, EVENT, 'host-a', 'Keynote');
    await store.stageZoomUsers('sync-1', [
      {
        id: 'host-a',
        present: true,
        email: 'host-a@example.com',
        firstName: 'H',
        lastName: 'host-a',
        type: 1,
        status: 'active',
      },
    ]);
    await store.commitSync(EVENT, 'sync-1');

    expect((await feed()).at(-1)).toStrictEqual({
      type: 'host.zoom_state_changed',
      hostId: 'host-a',
      zoomState: 'unlicensed',
      sessions: [{ id: sessionId, title: 'Keynote' }],
    });
  });

  it('pages by cursor, per event or across events, and keeps a repeated id once', async () => {
    const notice = (id: string, eventId: string) => ({
      id,
      type: 'integration.status_changed' as const,
      eventId,
      atMs: 5,
      payload: { status: 'active' },
    });
    await store.recordNotifications([notice('ntf_1', 'e1'), notice('ntf_2', 'e2')]);
    await store.recordNotifications([notice('ntf_2', 'e2'), notice('ntf_3', 'e1')]);

    const all = await store.listNotifications({ afterSeq: 0, limit: 2 });
    const rest = await store.listNotifications({ afterSeq: all.at(-1)?.seq ?? 0, limit: 2 });
    const e1 = await store.listNotifications({ afterSeq: 0, limit: 10, eventId: 'e1' });
    expect(all.map((each) => each.id)).toStrictEqual(['ntf_1', 'ntf_2']);
    expect(rest.map((each) => each.id)).toStrictEqual(['ntf_3']);
    expect(e1.map((each) => each.id)).toStrictEqual(['ntf_1', 'ntf_3']);
  });
});

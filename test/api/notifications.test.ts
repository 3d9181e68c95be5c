import { describe, expect, it } from 'vitest';
import { fakeGateway, useApi } from './harness.js';

const api = useApi();

async function seedFeed() {
  const notice = (id: string, eventId: string) => ({
    id,
    type: 'session.zoom_meeting_deleted' as const,
    eventId,
    atMs: Date.parse('2030-06-01T12:00:00Z'),
    payload: { sessionId: 's1', kind: 'meeting', meetingId: '81234567890' },
  });
  await api.store.recordNotifications([notice('ntf_a', 'evt-1'), notice('ntf_b', 'evt-2')]);
  await api.store.recordNotifications([notice('ntf_c', 'evt-1')]);
}

describe('the notifications feed routes', () => {
  it('pages one event’s notifications by cursor', async () => {
    const app = await api.app(fakeGateway());
    await seedFeed();
    const first = await app.inject({ url: '/events/evt-1/notifications?limit=1' });
    const { items, next } = first.json<{ items: { id: string }[]; next: number }>();
    const rest = await app.inject({ url: `/events/evt-1/notifications?after=${next}` });

    expect(items).toMatchObject([
      { id: 'ntf_a', type: 'session.zoom_meeting_deleted', at: '2030-06-01T12:00:00.000Z' },
    ]);
    expect(rest.json()).toMatchObject({ items: [{ id: 'ntf_c', eventId: 'evt-1' }] });
    const empty = await app.inject({ url: `/events/evt-1/notifications?after=${next + 100}` });
    expect(empty.json()).toStrictEqual({ items: [], next: next + 100 });
  });

  it('serves every event to operator keys only; organisers see their own events', async () => {
    const app = await api.app(fakeGateway());
    await seedFeed();
    const { token } = await api.store.createApiKey({
      kind: 'organiser',
      label: 'org',
      eventIds: ['evt-1'],
    });
    const organiser = { authorization: `Bearer ${token}` };

    const all = await app.inject({ url: '/notifications' });
    expect(all.json<{ items: { id: string }[] }>().items.map((each) => each.id)).toStrictEqual([
      'ntf_a',
      'ntf_b',
      'ntf_c',
    ]);
    expect((await app.inject({ url: '/notifications', headers: organiser })).statusCode).toBe(403);
    const own = await app.inject({ url: '/events/evt-1/notifications', headers: organiser });
    const other = await app.inject({ url: '/events/evt-2/notifications', headers: organiser });
    expect(own.statusCode).toBe(200);
    expect(other.statusCode).toBe(404);
  });

  it('refuses a bad cursor, naming it', async () => {
    const app = await api.app(fakeGateway());
    const response = await app.inject({ url: '/events/evt-1/notifications?after=-1' });

    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('after');
  });
});

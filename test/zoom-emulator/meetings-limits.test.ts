import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { control, useEmulator, type EmulatorFixture } from './helpers.js';
import { useMeetingTools } from './meeting-helpers.js';

const DAILY = {
  code: 429,
  message: 'You have reached the maximum daily rate limit for this API. Try again later.',
};

// A frozen wall clock keeps a burst inside one emulator second; tests move the clock themselves.
const NOON_MS = Date.UTC(2030, 5, 15, 12);
const SECOND_MS = 1000;

describe('zoom emulator meeting and webinar limits', () => {
  const env = useEmulator({ wallNow: () => NOON_MS });

  describe('per-second categories', () => categoryCases(env));
  describe('per-host daily limit', () => dailyCases(env));
});

/** Sends the calls one after another and returns the statuses. */
async function statusesOf(n: number, call: () => Promise<LightMyRequestResponse>) {
  const statuses: number[] = [];
  for (let index = 0; index < n; index += 1) statuses.push((await call()).statusCode);

  return statuses;
}

function categoryCases(env: EmulatorFixture): void {
  const { addHost, call, create, created } = useMeetingTools(env);

  it('refuses the 21st meeting create of a pro account within a second, as Medium', async () => {
    const host = await addHost();

    expect(await statusesOf(20, () => create('meetings', host.id))).not.toContain(429);
    const refused = await create('meetings', host.id);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers).toMatchObject({
      'x-ratelimit-category': 'Medium',
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-limit': '20',
    });
  });

  it('lets 30 webinar creates through in that second, as Light', async () => {
    const host = await addHost({ settings: { webinar: true } });

    expect(await statusesOf(30, () => create('webinars', host.id))).not.toContain(429);
    expect((await create('webinars', host.id)).headers).toMatchObject({
      'x-ratelimit-category': 'Light',
      'x-ratelimit-type': 'QPS',
    });
  });

  it('counts get, update and delete as Light and listings as Medium', async () => {
    const host = await addHost();
    const { id } = await created('meetings', host.id);
    const categoryOf = async (method: 'GET' | 'PATCH' | 'DELETE', path: string) =>
      (await call(method, path, {})).headers['x-ratelimit-category'];

    expect(await categoryOf('GET', `/meetings/${id}`)).toBe('Light');
    expect(await categoryOf('PATCH', `/meetings/${id}`)).toBe('Light');
    expect(await categoryOf('GET', `/users/${host.id}/meetings`)).toBe('Medium');
    expect(await categoryOf('GET', `/users/${host.id}/webinars`)).toBe('Medium');
    expect(await categoryOf('DELETE', `/meetings/${id}`)).toBe('Light');
  });
}

function dailyCases(env: EmulatorFixture): void {
  const { addHost, call, create, created } = useMeetingTools(env);
  const advance = (ms: number) => control(env.app, 'POST', '/clock/advance', { ms });
  /** Calls one after another, a second apart, so only the daily limit can refuse them. */
  const spaced = async (n: number, send: () => Promise<LightMyRequestResponse>) =>
    statusesOf(n, async () => {
      await advance(SECOND_MS);
      return send();
    });
  /** Uses up the host's day with one create and 99 updates of it. */
  const exhaust = async (hostId: string) => {
    const { id } = await created('meetings', hostId);
    const updates = await spaced(99, () => call('PATCH', `/meetings/${id}`, { topic: 'Again' }));
    expect(updates).not.toContain(429);
    return id;
  };

  it('refuses the 101st create or update of a host with a daily 429', async () => {
    const host = await addHost({ settings: { webinar: true } });
    const id = await exhaust(host.id);
    await advance(SECOND_MS);

    const refused = await create('meetings', host.id);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toStrictEqual(DAILY);
    expect(refused.headers).toMatchObject({
      'x-ratelimit-category': 'Medium',
      'x-ratelimit-type': 'Daily-limit',
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'retry-after': '2030-06-16T00:00:00Z',
    });
    const update = await call('PATCH', `/meetings/${id}`, { topic: 'Once more' });
    expect(update.headers).toMatchObject({ 'x-ratelimit-category': 'Light' });
    expect(update.json()).toStrictEqual(DAILY);
    expect((await create('webinars', host.id)).statusCode).toBe(429);
  });

  it('still serves reads, deletes and other hosts once a host is refused', async () => {
    const host = await addHost();
    const id = await exhaust(host.id);
    await advance(SECOND_MS);

    expect((await create('meetings', host.id)).statusCode).toBe(429);
    expect((await call('GET', `/meetings/${id}`)).statusCode).toBe(200);
    expect((await create('meetings', (await addHost()).id)).statusCode).toBe(201);
    expect((await call('DELETE', `/meetings/${id}`)).statusCode).toBe(204);
  });

  it('resets at 00:00 UTC on the emulator clock', async () => {
    await control(env.app, 'PUT', '/clock', { nowMs: Date.UTC(2030, 5, 15, 23, 50) });
    const host = await addHost();
    await exhaust(host.id);
    await advance(SECOND_MS);
    const refused = await create('meetings', host.id);
    expect(refused.headers['retry-after']).toBe('2030-06-16T00:00:00Z');

    await control(env.app, 'PUT', '/clock', { nowMs: Date.UTC(2030, 5, 16) });
    expect((await create('meetings', host.id)).statusCode).toBe(201);
  });

  it('counts only creates and updates that succeeded', async () => {
    const host = await addHost();
    const { id } = await created('meetings', host.id);
    await call('PATCH', `/meetings/${id}`, { duration: 0 });
    await call('PATCH', `/meetings/${id}`, { schedule_for: 'someone@example.com' });
    await create('meetings', host.id, { start_time: 'tomorrow' });

    const shown = await control(env.app, 'GET', `/accounts/${env.credentials.accountId}/meetings`);
    expect(shown).toMatchObject({ writesToday: { [host.id]: 1 } });
  });

  it('is switched off with the per-second limits', async () => {
    await control(env.app, 'PUT', '/settings', { rateLimits: false });
    const host = await addHost();

    const statuses = await statusesOf(101, () => create('meetings', host.id));
    expect(statuses).not.toContain(429);
  });
}

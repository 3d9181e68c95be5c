import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { GreenroomStore } from '../../store/types.js';
import { fakeGateway, fakeWebhookGateway } from './harness.js';

let store: GreenroomStore;
let app: FastifyInstance;
let operator: string;
let nowMs = Date.parse('2027-03-01T08:00:00Z');

async function build(requestsPerMinute = 120): Promise<FastifyInstance> {
  return buildApp({
    store,
    gateway: fakeGateway(),
    webhooks: fakeWebhookGateway(),
    fetchStartLink: () => Promise.reject(new Error('unexpected')),
    now: () => nowMs,
    requestsPerMinute,
  });
}

beforeEach(async () => {
  store = createSqliteStore({ filename: ':memory:', secretBox: createSecretBox(generateKey()) });
  operator = (await store.createApiKey({ kind: 'operator', label: 'ops', eventIds: [] })).token;
  app = await build();
});

afterEach(async () => {
  await app.close();
  await store.close();
});

/** The part after `grk_<id>_`; base64url may itself hold underscores. */
const secretOf = (token: string) => token.split('_').slice(2).join('_');

const as = (key: string | null) => (key ? { authorization: `Bearer ${key}` } : {});

async function mintOrganiserKey(eventIds: string[]): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/keys',
    headers: as(operator),
    payload: { label: 'festival team', eventIds },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ key: string }>().key;
}

describe('access control', () => {
  describe('when no valid key is presented', () => {
    it('answers 401 on every route but health and the docs', async () => {
      const forged = operator.slice(0, -4) + 'AAAA';
      for (const key of [null, 'nonsense', forged, `${operator} extra`]) {
        const response = await app.inject({ url: '/events/evt-1/sessions', headers: as(key) });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ error: { code: 'unauthorized' } });
      }
      const bare = await app.inject({ url: '/events/evt-1/sessions' });
      expect(bare.headers['www-authenticate']).toBe('Bearer');
      const lowerCase = { authorization: `bearer ${operator}` };
      expect(
        (await app.inject({ url: '/events/evt-1/sessions', headers: lowerCase })).statusCode,
      ).toBe(200);
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/docs/json' })).statusCode).toBe(200);
    });

    it('refuses a revoked key', async () => {
      const organiser = await mintOrganiserKey(['evt-1']);
      const id = organiser.split('_')[1] ?? '';
      const revoked = await app.inject({
        method: 'DELETE',
        url: `/keys/${id}`,
        headers: as(operator),
      });
      expect(revoked.statusCode).toBe(204);
      const response = await app.inject({ url: '/events/evt-1/sessions', headers: as(organiser) });
      expect(response.statusCode).toBe(401);
    });
  });

  describe('when an organiser key is used', () => {
    it('reaches its own events, answers 404 for others and 403 for operator routes', async () => {
      const organiser = await mintOrganiserKey(['evt-1']);
      const own = await app.inject({ url: '/events/evt-1/sessions', headers: as(organiser) });
      expect(own.statusCode).toBe(200);
      const other = await app.inject({ url: '/events/evt-2/sessions', headers: as(organiser) });
      const missing = await app.inject({ url: '/events/evt-2/sessions/x', headers: as(organiser) });
      expect([other.statusCode, missing.statusCode]).toEqual([404, 404]);
      expect(other.json()).toMatchObject({ error: { code: 'not_found' } });
      const keys = await app.inject({ url: '/keys', headers: as(organiser) });
      expect(keys.statusCode).toBe(403);
      const unknown = await app.inject({ url: '/events/evt-1/nosuch', headers: as(organiser) });
      expect(unknown.statusCode).toBe(404);
    });
  });

  describe('when keys are listed', () => {
    it('never shows a secret, and keeps only its hash', async () => {
      const organiser = await mintOrganiserKey(['evt-1']);
      const secret = secretOf(organiser);
      const listed = await app.inject({ url: '/keys', headers: as(operator) });
      expect(listed.json<{ items: unknown[] }>().items).toHaveLength(2);
      expect(listed.body).not.toContain(secret);
      expect(JSON.stringify(await store.listApiKeys())).not.toContain(secret);
    });
  });

  describe('when a key makes too many requests', () => {
    it('answers 429 with Retry-After until its minute is over', async () => {
      await app.close();
      app = await build(3);
      const call = () => app.inject({ url: '/events/evt-1/sessions', headers: as(operator) });
      const statuses = [];
      for (let n = 0; n < 4; n += 1) statuses.push((await call()).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await call();
      expect(limited.headers['retry-after']).toBe('60');
      expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
      nowMs += 60_000;
      expect((await call()).statusCode).toBe(200);
    });
  });

  describe('when an organiser key probes other events', () => {
    it('spends its own budget and leaves no trace in the probed event’s trail', async () => {
      await app.close();
      app = await build(3);
      const organiser = await mintOrganiserKey(['evt-1']);
      const probe = () =>
        app.inject({
          method: 'POST',
          url: '/events/evt-2/people',
          headers: as(organiser),
          payload: {},
        });
      const statuses = [];
      for (let n = 0; n < 4; n += 1) statuses.push((await probe()).statusCode);
      expect(statuses).toEqual([404, 404, 404, 429]);
      const trail = await app.inject({ url: '/events/evt-2/audit', headers: as(operator) });
      expect(trail.json<{ items: unknown[] }>().items).toEqual([]);
    });
  });

  describe('when changes are made', () => {
    it('writes who did what to which event, without secrets, readable per event', async () => {
      const organiser = await mintOrganiserKey(['evt-1']);
      const person = { firstName: 'Ada', lastName: 'L', email: 'ada@example.com' };
      await app.inject({
        method: 'POST',
        url: '/events/evt-1/people',
        headers: as(organiser),
        payload: person,
      });
      const trail = await app.inject({ url: '/events/evt-1/audit', headers: as(organiser) });
      expect(trail.json()).toMatchObject({
        items: [
          {
            keyId: organiser.split('_')[1],
            method: 'POST',
            route: '/events/:eventId/people',
            eventId: 'evt-1',
            status: 201,
          },
        ],
      });
      const all = await app.inject({ url: '/audit', headers: as(operator) });
      expect(all.json<{ items: unknown[] }>().items).toHaveLength(2);
      expect(all.body).not.toContain(secretOf(organiser));
    });

    it('names the key that a mint or a revocation was aimed at', async () => {
      const organiser = await mintOrganiserKey(['evt-1']);
      const keyId = organiser.split('_')[1];
      await app.inject({ method: 'DELETE', url: `/keys/${keyId}`, headers: as(operator) });
      const all = await app.inject({ url: '/audit', headers: as(operator) });
      const entries = all.json<{ items: { method: string; targetKeyId: string | null }[] }>();
      expect(entries.items.map(({ method, targetKeyId }) => [method, targetKeyId])).toEqual([
        ['POST', keyId],
        ['DELETE', keyId],
      ]);
    });
  });
});

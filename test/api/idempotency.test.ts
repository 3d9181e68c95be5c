import { describe, expect, it } from 'vitest';
import { idempotentUpdateId } from '../../api/idempotency.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyRing, createSecretBox, generateKey } from '../../common/crypto.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { IdempotencyScope } from '../../store/types.js';
import { ApiError } from '../../api/errors.js';
import { activeView, fakeGateway, useApi } from './harness.js';

const api = useApi();
const PEOPLE_URL = '/events/evt-1/people';
const REGENERATE_URL = '/events/evt-1/zoom/token/regenerate';
const ADA = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };

/** A gateway whose regenerate answers as told and remembers the Update id it was given. */
function recordingGateway(answers: (() => Promise<unknown>)[] = []) {
  const updateIds: (string | undefined)[] = [];
  const gateway = fakeGateway({
    act: async () => {
      updateIds.push(idempotentUpdateId('regenerateToken'));
      await (answers.shift() ?? (() => Promise.resolve()))();
      return { ok: true, view: activeView() };
    },
  });
  return { gateway, updateIds };
}

describe('Idempotency-Key on changes', () => {
  it('applies a change once and answers a retry with the first answer', async () => {
    const app = await api.app(fakeGateway());
    const send = () =>
      app.inject({
        method: 'POST',
        url: PEOPLE_URL,
        headers: { 'idempotency-key': 'add-ada-1' },
        payload: ADA,
      });
    const first = await send();
    const retry = await send();

    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toStrictEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await api.store.listPeople('evt-1')).toHaveLength(1);
  });

  it('refuses the same key with another body, and changes nothing', async () => {
    const app = await api.app(fakeGateway());
    const headers = { 'idempotency-key': 'add-1' };
    await app.inject({ method: 'POST', url: PEOPLE_URL, headers, payload: ADA });
    const other = { ...ADA, email: 'grace@example.com' };
    const refused = await app.inject({ method: 'POST', url: PEOPLE_URL, headers, payload: other });

    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    expect((await api.store.listPeople('evt-1')).map((each) => each.email)).toStrictEqual([
      'ada@example.com',
    ]);
  });

  it('matches bodies whatever order their fields came in', async () => {
    const app = await api.app(fakeGateway());
    const headers = { 'idempotency-key': 'k', 'content-type': 'application/json' };
    const reordered = JSON.stringify({
      email: ADA.email,
      lastName: ADA.lastName,
      firstName: 'Ada',
    });
    await app.inject({ method: 'POST', url: PEOPLE_URL, headers, payload: ADA });
    const retry = await app.inject({ method: 'POST', url: PEOPLE_URL, headers, body: reordered });

    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('scopes a key to its API key and its event', async () => {
    const app = await api.app(fakeGateway());
    const headers = { 'idempotency-key': 'same' };
    await app.inject({ method: 'POST', url: PEOPLE_URL, headers, payload: ADA });
    const otherEvent = await app.inject({
      method: 'POST',
      url: '/events/evt-2/people',
      headers,
      payload: ADA,
    });
    const { token } = await api.store.createApiKey({
      kind: 'organiser',
      label: 'org',
      eventIds: ['evt-1'],
    });
    const otherKey = await app.inject({
      method: 'POST',
      url: PEOPLE_URL,
      headers: { ...headers, authorization: `Bearer ${token}` },
      payload: ADA,
    });

    expect(otherEvent.statusCode).toBe(201);
    expect(otherEvent.headers['idempotent-replayed']).toBeUndefined();
    // Not a replay of the operator's answer: the organiser's own attempt, refused as a duplicate.
    expect(otherKey.statusCode).toBe(409);
    expect(otherKey.headers['idempotent-replayed']).toBeUndefined();
  });

  it('sends one Update id for a key, again on a retry after an unanswered attempt', async () => {
    const unavailable = () => Promise.reject(new ApiError('workflow_unavailable'));
    const { gateway, updateIds } = recordingGateway([unavailable]);
    const app = await api.app(gateway);
    const send = () =>
      app.inject({ method: 'POST', url: REGENERATE_URL, headers: { 'idempotency-key': 'r-1' } });

    const first = await send();
    const retry = await send();
    const replayed = await send();

    expect([first.statusCode, retry.statusCode, replayed.statusCode]).toStrictEqual([
      503, 200, 200,
    ]);
    expect(updateIds).toHaveLength(2);
    expect(updateIds[0]).toMatch(/^idem-[\w-]+:regenerateToken$/);
    expect(updateIds[1]).toBe(updateIds[0]);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
  });

  it('leaves Update ids to Temporal without the header', async () => {
    const { gateway, updateIds } = recordingGateway();
    const app = await api.app(gateway);
    await app.inject({ method: 'POST', url: REGENERATE_URL });

    expect(updateIds).toStrictEqual([undefined]);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with a space', 'two words'],
    ['empty', ''],
  ])('refuses a key %s, naming the header', async (_case, key) => {
    const app = await api.app(fakeGateway());
    const response = await app.inject({
      method: 'POST',
      url: PEOPLE_URL,
      headers: { 'idempotency-key': key },
      payload: ADA,
    });

    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json())).toContain('idempotency-key');
    expect(await api.store.listPeople('evt-1')).toHaveLength(0);
  });

  it('refuses the header where an answer carries a secret: minting keys', async () => {
    const app = await api.app(fakeGateway());
    const response = await app.inject({
      method: 'POST',
      url: '/keys',
      headers: { 'idempotency-key': 'mint-1' },
      payload: { label: 'org', eventIds: ['evt-1'] },
    });

    expect(response.statusCode).toBe(400);
    expect(await api.store.listApiKeys()).toHaveLength(1);
  });
});

describe('the idempotency store', () => {
  const scope: IdempotencyScope = {
    apiKeyId: 'key-1',
    route: 'POST /events/:eventId/people',
    eventId: 'evt-1',
    idempotencyKey: 'k',
  };

  it('keeps answers sealed, and the reseal command reseals them', async () => {
    const oldKey = generateKey();
    const dir = mkdtempSync(join(tmpdir(), 'greenroom-idempotency-'));
    const filename = join(dir, 'store.db');
    const before = createSqliteStore({ filename, secretBox: createSecretBox(oldKey) });
    await before.claimIdempotencyKey(scope, 'fp');
    await before.recordIdempotentAnswer(scope, { status: 200, body: '{"joinUrl":"pwd=Secret1"}' });
    await before.close();
    const rotated = createKeyRing(generateKey(), [oldKey]);
    const after = createSqliteStore({ filename, secretBox: rotated });
    const resealed = await after.resealSecrets();
    const claim = await after.claimIdempotencyKey(scope, 'fp');
    await after.close();
    const raw = readFileSync(filename).toString('latin1');
    rmSync(dir, { recursive: true, force: true });

    expect(resealed).toBe(1);
    expect(claim).toStrictEqual({
      state: 'answered',
      answer: { status: 200, body: '{"joinUrl":"pwd=Secret1"}' },
    });
    expect(raw).not.toContain('Secret1');
  });
});

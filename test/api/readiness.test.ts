import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import type { ReadinessCheck } from '../../api/readiness.js';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { GreenroomStore } from '../../store/types.js';
import { fakeGateway, fakeWebhookGateway } from './harness.js';

const answers: ReadinessCheck = () => Promise.resolve({ namespaceInfo: { name: 'default' } });
const refuses: ReadinessCheck = () =>
  Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED 10.0.0.9:7233 apiKey=secret'));
const hangs: ReadinessCheck = () => new Promise(() => undefined);

/** A store whose reads fail, as a database that went away would. */
function brokenStore(store: GreenroomStore): GreenroomStore {
  return Object.assign(Object.create(store) as GreenroomStore, {
    countOperatorKeys: () => Promise.reject(new Error('SQLITE_IOERR: disk I/O error')),
  });
}

describe('readiness and liveness', () => {
  const apps: FastifyInstance[] = [];
  const stores: GreenroomStore[] = [];

  async function app(options: {
    checkTemporal?: ReadinessCheck;
    breakStore?: boolean;
    draining?: () => boolean;
  }) {
    const store = createSqliteStore({
      filename: ':memory:',
      secretBox: createSecretBox(generateKey()),
    });
    stores.push(store);
    const built = await buildApp({
      store: options.breakStore ? brokenStore(store) : store,
      gateway: fakeGateway(),
      webhooks: fakeWebhookGateway(),
      fetchStartLink: () => Promise.reject(new Error('unexpected start link')),
      checkTemporal: options.checkTemporal,
      draining: options.draining,
    });
    apps.push(built);
    return built;
  }

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((each) => each.close()));
    await Promise.all(stores.splice(0).map((each) => each.close()));
  });

  describe('when Temporal and the store both answer', () => {
    it('answers 200 ready without a key', async () => {
      const response = await (await app({ checkTemporal: answers })).inject('/readyz');

      expect(response.statusCode).toBe(200);
      expect(response.json()).toStrictEqual({
        ready: true,
        checks: { temporal: 'ready', store: 'ready' },
      });
    });
  });

  describe('when Temporal does not answer', () => {
    it.each([
      ['refuses', refuses],
      ['hangs past the probe timeout', hangs],
    ])('answers 503 naming temporal when it %s', async (_label, checkTemporal) => {
      const response = await (await app({ checkTemporal })).inject('/readyz');

      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        error: {
          code: 'not_ready',
          message: 'Not ready: temporal did not answer.',
          details: { notReady: ['temporal'], checks: { temporal: 'not_ready', store: 'ready' } },
        },
      });
    });

    it('shows neither the cause, the address nor a stack', async () => {
      const response = await (await app({ checkTemporal: refuses })).inject('/readyz');

      expect(response.body).not.toMatch(/ECONNREFUSED|10\.0\.0\.9|secret|at .*\.ts/);
    });
  });

  describe('when the store does not answer', () => {
    it('answers 503 naming the store', async () => {
      const response = await (
        await app({ checkTemporal: answers, breakStore: true })
      ).inject('/readyz');

      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        error: { details: { notReady: ['store'] } },
      });
      expect(response.body).not.toContain('SQLITE_IOERR');
    });
  });

  describe('when neither answers', () => {
    it('names both', async () => {
      const response = await (
        await app({ checkTemporal: refuses, breakStore: true })
      ).inject('/readyz');

      expect(response.json()).toMatchObject({
        error: { message: 'Not ready: temporal and store did not answer.' },
      });
    });
  });

  describe('when only liveness is asked', () => {
    it('answers 200 without a key even while no dependency answers', async () => {
      const response = await (
        await app({ checkTemporal: refuses, breakStore: true })
      ).inject('/healthz');

      expect(response.statusCode).toBe(200);
      expect(response.json()).toStrictEqual({ ok: true });
    });
  });

  describe('when the process drains', () => {
    it('closes the connection of each answer only while draining', async () => {
      let draining = false;
      const built = await app({ checkTemporal: answers, draining: () => draining });
      const before = await built.inject('/healthz');
      draining = true;
      const during = await built.inject('/healthz');

      expect(before.headers.connection).not.toBe('close');
      expect(during.headers.connection).toBe('close');
      expect(during.statusCode).toBe(200);
    });
  });

  describe('when the OpenAPI description is read', () => {
    it('documents both probes as needing no key', async () => {
      const response = await (await app({ checkTemporal: answers })).inject('/docs/json');
      const paths = response.json<{ paths: Record<string, { get?: { security?: unknown } }> }>()
        .paths;

      expect(paths['/healthz']?.get?.security).toStrictEqual([]);
      expect(paths['/readyz']?.get?.security).toStrictEqual([]);
    });
  });
});

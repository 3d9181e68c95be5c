import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createSecretBox, generateKey } from '../../common/crypto.js';
import { REDACTED_PATHS } from '../../common/logger.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { GreenroomStore } from '../../store/types.js';
import { fakeGateway, fakeWebhookGateway } from './harness.js';

let store: GreenroomStore;

beforeEach(() => {
  store = createSqliteStore({ filename: ':memory:', secretBox: createSecretBox(generateKey()) });
});

afterEach(async () => {
  await store.close();
});

/** The app with a real pino logger whose lines are kept, parsed, for the test to read. */
async function appLoggingTo(lines: Record<string, unknown>[]) {
  const logger = pino(
    { level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return buildApp({
    store,
    gateway: fakeGateway(),
    webhooks: fakeWebhookGateway(),
    fetchStartLink: () => Promise.reject(new Error('unexpected')),
    logger,
  });
}

describe('API request logs', () => {
  describe('when requests are answered, refused or fail', () => {
    it('puts the answer’s x-request-id on every line each request logs', async () => {
      const lines: Record<string, unknown>[] = [];
      const app = await appLoggingTo(lines);
      const { token } = await store.createApiKey({ kind: 'operator', label: 'ops', eventIds: [] });
      const ok = await app.inject({
        url: '/events/evt-1/people',
        headers: { authorization: `Bearer ${token}` },
      });
      const refused = await app.inject({ url: '/events/evt-1/people' });
      await app.close();

      const ids = [ok.headers['x-request-id'], refused.headers['x-request-id']];
      expect(lines.length).toBeGreaterThanOrEqual(4);
      for (const line of lines) expect(ids).toContain(line.requestId);
      expect(lines.some((line) => line.requestId === ids[0])).toBe(true);
      expect(lines.some((line) => line.requestId === ids[1])).toBe(true);
      expect(JSON.stringify(lines)).not.toContain(token);
    });
  });
});

import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationAnswer } from '../../api/schemas.js';
import { ORGANISER_CHECKS } from '../../common/status.js';
import {
  collectHistories,
  collectLogs,
  findSecrets,
  secretForms,
  type Evidence,
} from '../support/secret-scan.js';
import { startStack, type Stack } from '../support/stack.js';
import { WORKFLOWS_PATH } from '../../worker/workflows-path.js';
import type { ZoomApp } from '../support/zoom-control.js';

let stack: Stack;
const answers: Evidence[] = [];
const secretsUsed: { value: string; clientId?: string }[] = [];
let eventCounter = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenroom-e2e-'));
  stack = await startStack({ dir });
});

afterAll(async () => {
  await stack?.stop();
});

interface ErrorBody {
  code: string;
  message: string;
  details?: { cause?: string; retryable?: boolean; checks?: string[] };
}

interface Answer {
  status: number;
  body: Partial<IntegrationAnswer> & { error?: ErrorBody };
}

/** Calls the API over HTTP, keeping every answer for the secret scan. */
async function api(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      ...stack.apiHeaders,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  answers.push({ name: `answer ${method} ${path}`, text });

  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

/** Credential and connection rows the store keeps for the event, read straight from its file. */
function storedRows(eventId: string): number {
  const db = new Database(join(stack.dataDir, 'greenroom.db'), { readonly: true });
  try {
    const count = (table: string) =>
      db
        .prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE event_id = ?`)
        .get(eventId)?.n ?? 0;
    return count('zoom_credentials') + count('zoom_connections');
  } finally {
    db.close();
  }
}

async function newApp(): Promise<ZoomApp> {
  const app = await stack.zoom.createConnectableApp();
  secretsUsed.push({ value: app.clientSecret, clientId: app.clientId });
  return app;
}

const credentialsOf = (app: ZoomApp) => ({
  accountId: app.accountId,
  clientId: app.clientId,
  clientSecret: app.clientSecret,
});
const nextEventId = () => `e2e-${++eventCounter}`;

async function connectedEvent() {
  const app = await newApp();
  const eventId = nextEventId();
  const saved = await api('PUT', `/events/${eventId}/zoom/credentials`, credentialsOf(app));
  expect(saved.status).toBe(200);

  return { app, eventId, saved };
}

describe('the Zoom integration over HTTP', () => {
  it('connects with valid credentials and answers the expiry and a masked preview', async () => {
    const { eventId, saved } = await connectedEvent();
    expect(saved.body).toMatchObject({
      eventId,
      status: 'active',
      lastError: null,
      tokensMinted: 1,
    });
    expect(saved.body.token?.preview).toMatch(/^….{4}$/);
    expect(Date.parse(saved.body.token?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 55 * 60_000);

    const read = await api('GET', `/events/${eventId}/zoom`);
    expect(read.body).toMatchObject({
      status: 'active',
      source: 'workflow',
      token: { expired: false },
    });
  });

  it('regenerates on demand and keeps working when new credentials are refused', async () => {
    const { app, eventId, saved } = await connectedEvent();
    const regenerated = await api('POST', `/events/${eventId}/zoom/token/regenerate`);
    expect(regenerated.body).toMatchObject({ status: 'active', tokensMinted: 2 });

    const refused = await api('PUT', `/events/${eventId}/zoom/credentials`, {
      ...credentialsOf(app),
      clientSecret: 'not-the-secret',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'zoom_credentials_refused',
      details: { cause: 'invalid_client', checks: [...ORGANISER_CHECKS] },
    });
    const after = await api('GET', `/events/${eventId}/zoom`);
    expect(after.body).toMatchObject({ status: 'active', clientId: app.clientId });
    expect(after.body.token?.expiresAt).not.toBe(saved.body.token?.expiresAt);
  });

  it('pauses for the organiser when the app is deactivated and says what to check', async () => {
    const { app, eventId } = await connectedEvent();
    await stack.zoom.deactivate(app.clientId);
    const refused = await api('POST', `/events/${eventId}/zoom/token/regenerate`);
    expect(refused.status).toBe(422);
    expect(refused.body.error?.details?.cause).toBe('app_disabled');

    const read = await api('GET', `/events/${eventId}/zoom`);
    expect(read.body).toMatchObject({
      status: 'needs_organiser',
      lastError: { cause: 'app_disabled', checks: [...ORGANISER_CHECKS], retryable: false },
    });
    await stack.zoom.activate(app.clientId);
    const resumed = await api('POST', `/events/${eventId}/zoom/token/regenerate`);
    expect(resumed.body).toMatchObject({ status: 'active', lastError: null });
  });

  it('answers a retryable zoom_unavailable while Zoom is down', async () => {
    const { app, eventId } = await connectedEvent();
    await stack.zoom.injectFault({ kind: 'status', status: 503, count: 5, clientId: app.clientId });
    const answer = await api('POST', `/events/${eventId}/zoom/token/regenerate`);
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({
      code: 'zoom_unavailable',
      details: { retryable: true },
    });
    await stack.zoom.clearFaults();
  });

  it('disables, refuses token work while disabled, enables and disconnects', async () => {
    const { eventId } = await connectedEvent();
    const disabled = await api('POST', `/events/${eventId}/zoom/disable`);
    expect(disabled.body.status).toBe('disabled');
    const blocked = await api('POST', `/events/${eventId}/zoom/token/regenerate`);
    expect(blocked).toMatchObject({
      status: 409,
      body: { error: { code: 'integration_disabled' } },
    });
    const enabled = await api('POST', `/events/${eventId}/zoom/enable`);
    expect(enabled.body.status).toBe('active');

    const gone = await api('DELETE', `/events/${eventId}/zoom`);
    expect(gone.body).toMatchObject({ status: 'not_connected', token: null });
    expect((await api('GET', `/events/${eventId}/zoom`)).body.status).toBe('not_connected');
    const again = await api('POST', `/events/${eventId}/zoom/token/regenerate`);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'not_connected' } } });
  });

  it('leaves an event not connected when its first credentials are refused', async () => {
    const app = await newApp();
    const eventId = nextEventId();
    const refused = await api('PUT', `/events/${eventId}/zoom/credentials`, {
      ...credentialsOf(app),
      accountId: 'no-such-account',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.details?.cause).toBe('account_not_found');
    expect((await api('GET', `/events/${eventId}/zoom`)).body.status).toBe('not_connected');
  });

  it('answers 400 naming the field for bad input, never a 500', async () => {
    const eventId = nextEventId();
    const missing = await api('PUT', `/events/${eventId}/zoom/credentials`, { accountId: 'a' });
    expect(missing.status).toBe(400);
    expect(missing.body.error?.code).toBe('validation_failed');
    expect(missing.body.error?.message).toContain('clientId');

    const unknownField = await api('PUT', `/events/${eventId}/zoom/credentials`, {
      accountId: 'a',
      clientId: 'b',
      clientSecret: 'c',
      extra: true,
    });
    expect(unknownField.status).toBe(400);
    const malformed = await api('PUT', `/events/${eventId}/zoom/credentials`, '{"accountId":');
    expect(malformed).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed' } },
    });
    const badId = await api('GET', '/events/%20bad%20id/zoom');
    expect(badId.status).toBe(400);
    expect(badId.body.error?.message).toContain('eventId');
  });

  it('serialises 20 parallel regenerates and stays healthy and replayable', async () => {
    const { app, eventId } = await connectedEvent();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api('POST', `/events/${eventId}/zoom/token/regenerate`)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    // Waiters that arrive during a mint share its token: far fewer mints than requests.
    const minted = (await stack.zoom.tokens(app.clientId)).length;
    expect(minted).toBeLessThanOrEqual(1 + 20 / 2);
    const read = await api('GET', `/events/${eventId}/zoom`);
    expect(read.body).toMatchObject({ status: 'active', source: 'workflow', tokensMinted: minted });
    const history = await stack.client.workflow
      .getHandle(`zoom-integration:${eventId}`)
      .fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history);
  });

  it('serialises parallel saves of the same credentials without false refusals', async () => {
    const app = await newApp();
    const eventId = nextEventId();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        api('PUT', `/events/${eventId}/zoom/credentials`, credentialsOf(app)),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect((await api('GET', `/events/${eventId}/zoom`)).body.status).toBe('active');
  });

  it('leaves no secret behind when a save and a disconnect race', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { app, eventId } = await connectedEvent();
      const [, saved] = await Promise.all([
        api('DELETE', `/events/${eventId}/zoom`),
        api('PUT', `/events/${eventId}/zoom/credentials`, credentialsOf(app)),
      ]);
      // Either order is fine; what is not is a disconnected event that still holds secrets.
      expect([200, 409]).toContain(saved.status);
      const read = await api('GET', `/events/${eventId}/zoom`);
      if (read.body.status === 'not_connected') expect(storedRows(eventId)).toBe(0);
      else expect(read.body.status).toBe('active');
    }
  });

  it('refuses requests without the key, which only its owner can read', async () => {
    const bare = await fetch(`${stack.apiUrl}/events/e2e-keyless/zoom`);
    expect(bare.status).toBe(401);
    expect(statSync(join(stack.dataDir, 'operator-key')).mode & 0o777).toBe(0o600);
    expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
  });

  it('keeps every secret out of histories, logs and answers', async () => {
    const demo = JSON.parse(
      readFileSync(join(stack.dataDir, 'demo-credentials.json'), 'utf8'),
    ) as ZoomApp;
    await stack.stop('emulator');
    const emulatorState = JSON.parse(
      readFileSync(join(stack.dataDir, 'zoom-emulator.json'), 'utf8'),
    ) as { tokens: { value: string }[] };
    const operatorKey = stack.apiHeaders.authorization?.replace('Bearer ', '') ?? '';
    expect(operatorKey).toMatch(/^grk_/);
    const secrets = secretForms([
      ...secretsUsed,
      { value: operatorKey },
      { value: demo.clientSecret, clientId: demo.clientId },
      ...emulatorState.tokens.map((token) => ({ value: token.value })),
    ]);
    expect(emulatorState.tokens.length).toBeGreaterThan(5);

    const evidence = [
      ...(await collectHistories(stack.client)),
      ...collectLogs(stack.logDir),
      ...answers,
    ];
    expect(evidence.filter((piece) => piece.name.startsWith('history')).length).toBeGreaterThan(5);
    expect(findSecrets(evidence, secrets)).toEqual([]);
  });
});

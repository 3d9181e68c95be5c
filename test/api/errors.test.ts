import type { FastifyInstance, InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_REGISTRY } from '../../api/errors.js';
import type { IntegrationAction } from '../../api/integration-gateway.js';
import { ORGANISER_CHECKS } from '../../common/status.js';
import type { IntegrationError } from '../../workflows/zoom-integration-workflow.js';
import {
  disabledError,
  refusalError,
  unavailableError,
} from '../../workflows/zoom-integration/outcomes.js';
import { credentialsPayload, fakeGateway, NOW_MS, SECRET, useApi } from './harness.js';

const CREDENTIALS_URL = '/events/evt-1/zoom/credentials';

function saveAnswering(error: IntegrationError) {
  return fakeGateway({ saveCredentials: () => Promise.resolve({ ok: false, error }) });
}

function actAnswering(error: IntegrationError) {
  return fakeGateway({ act: () => Promise.resolve({ ok: false, error }) });
}

function actThrowing(error: Error) {
  return fakeGateway({ act: () => Promise.reject(error) });
}

/** An answer with its error's request id checked against the header, then set aside. */
async function send(app: FastifyInstance, options: InjectOptions) {
  const response = await app.inject(options);
  const body = response.json<{ error?: Record<string, unknown> }>();
  if (body.error) {
    expect(body.error.requestId).toBe(response.headers['x-request-id']);
    delete body.error.requestId;
  }

  return { status: response.statusCode, body };
}

function saveRequest(payload: unknown = credentialsPayload()): InjectOptions {
  return { method: 'PUT', url: CREDENTIALS_URL, payload: payload as Record<string, unknown> };
}

function action(name: IntegrationAction): InjectOptions {
  const urls: Record<IntegrationAction, InjectOptions> = {
    regenerate: { method: 'POST', url: '/events/evt-1/zoom/token/regenerate' },
    disable: { method: 'POST', url: '/events/evt-1/zoom/disable' },
    enable: { method: 'POST', url: '/events/evt-1/zoom/enable' },
    disconnect: { method: 'DELETE', url: '/events/evt-1/zoom' },
  };

  return urls[name];
}

describe('API error answers', () => {
  const api = useApi();

  describe('when Zoom refuses saved credentials', () => refusalCases(api));
  describe('when an action cannot happen', () => actionCases(api));
  describe('when the request is not valid', () => validationCases(api));
  describe('when the request is not for any route', () => notFoundCases(api));
  describe('when something fails unexpectedly', () => internalCases(api));
});

function refusalCases(api: ReturnType<typeof useApi>): void {
  it('answers 422 zoom_credentials_refused with the cause and the checks', async () => {
    const error = refusalError({ cause: 'invalid_client', missingScopes: [] }, NOW_MS);
    const app = await api.app(saveAnswering(error));

    expect(await send(app, saveRequest())).toStrictEqual({
      status: 422,
      body: {
        error: {
          code: 'zoom_credentials_refused',
          message: error.message,
          details: {
            cause: 'invalid_client',
            checks: [...ORGANISER_CHECKS],
            missingScopes: [],
            retryable: false,
            at: new Date(NOW_MS).toISOString(),
          },
        },
      },
    });
  });

  it('answers 422 zoom_scopes_missing listing the missing scopes', async () => {
    const missing = ['webinar:read:webinar:admin'];
    const error = refusalError({ cause: 'scopes_missing', missingScopes: missing }, NOW_MS);
    const { status, body } = await send(await api.app(saveAnswering(error)), saveRequest());

    expect(status).toBe(422);
    expect(body).toMatchObject({
      error: {
        code: 'zoom_scopes_missing',
        details: { cause: 'scopes_missing', missingScopes: missing },
      },
    });
  });

  it('never echoes the client secret in a refusal', async () => {
    const error = refusalError({ cause: 'invalid_client', missingScopes: [] }, NOW_MS);
    const response = await (await api.app(saveAnswering(error))).inject(saveRequest());

    expect(response.body).not.toContain(SECRET);
  });
}

function actionCases(api: ReturnType<typeof useApi>): void {
  it('answers 503 zoom_unavailable when Zoom is unwell', async () => {
    const app = await api.app(actAnswering(unavailableError('server_error', NOW_MS)));
    const { status, body } = await send(app, action('regenerate'));

    expect(status).toBe(503);
    expect(body).toMatchObject({
      error: { code: 'zoom_unavailable', details: { retryable: true } },
    });
  });

  it('answers 409 integration_disabled when the integration is disabled', async () => {
    const app = await api.app(actAnswering(disabledError(NOW_MS)));

    expect(await send(app, action('regenerate'))).toMatchObject({
      status: 409,
      body: { error: { code: 'integration_disabled', message: disabledError(NOW_MS).message } },
    });
  });

  it.each(['regenerate', 'disable', 'enable', 'disconnect'] as const)(
    'answers 409 not_connected when %s finds no integration',
    async (name) => {
      const app = await api.app(actThrowing(new ApiError('not_connected')));

      expect(await send(app, action(name))).toStrictEqual({
        status: 409,
        body: { error: { code: 'not_connected', message: ERROR_REGISTRY.not_connected.message } },
      });
    },
  );

  it('answers 503 workflow_unavailable when Temporal cannot be reached', async () => {
    const failure = new ApiError('workflow_unavailable', undefined, { reason: 'ServiceError' });
    const app = await api.app(actThrowing(failure));

    expect(await send(app, action('enable'))).toMatchObject({
      status: 503,
      body: { error: { code: 'workflow_unavailable', details: { reason: 'ServiceError' } } },
    });
  });
}

function validationCases(api: ReturnType<typeof useApi>): void {
  it('names the missing field', async () => {
    const { status, body } = await send(
      await api.app(fakeGateway()),
      saveRequest(credentialsPayload({ clientSecret: undefined })),
    );

    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: {
        code: 'validation_failed',
        message: expect.stringMatching(/^body\.clientSecret: /) as unknown,
        details: { issues: [{ field: 'body.clientSecret' }] },
      },
    });
  });

  it('names an unknown field', async () => {
    const payload = credentialsPayload({ webhookUrl: 'http://x' });
    const { status, body } = await send(await api.app(fakeGateway()), saveRequest(payload));

    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: {
        code: 'validation_failed',
        message: expect.stringContaining('webhookUrl') as unknown,
      },
    });
  });

  it('names an invalid event id in the path', async () => {
    const request = { ...saveRequest(), url: '/events/-bad%20id/zoom/credentials' };
    const { status, body } = await send(await api.app(fakeGateway()), request);

    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: { code: 'validation_failed', details: { issues: [{ field: 'params.eventId' }] } },
    });
  });

  it('refuses a body on an action', async () => {
    const request = { ...action('enable'), payload: { force: true } };
    const { status, body } = await send(await api.app(fakeGateway()), request);

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it.each([
    ['malformed JSON', 'application/json', '{"accountId":'],
    ['a text body', 'text/plain', 'accountId=acct_1'],
    ['an XML body', 'application/xml', '<credentials/>'],
  ])('answers 400 validation_failed on %s', async (_label, contentType, payload) => {
    const request = { ...saveRequest(), headers: { 'content-type': contentType }, payload };
    const { status, body } = await send(await api.app(fakeGateway()), request);

    expect(status).toBe(400);
    expect(Object.keys(body)).toStrictEqual(['error']);
    expect(body.error).toMatchObject({ code: 'validation_failed' });
    expect(typeof (body.error as { message?: unknown }).message).toBe('string');
  });

  it('answers 413 payload_too_large on a body over 64 KiB', async () => {
    const payload = credentialsPayload({ clientSecret: 'x'.repeat(65 * 1024) });

    expect(await send(await api.app(fakeGateway()), saveRequest(payload))).toStrictEqual({
      status: 413,
      body: {
        error: { code: 'payload_too_large', message: ERROR_REGISTRY.payload_too_large.message },
      },
    });
  });
}

function notFoundCases(api: ReturnType<typeof useApi>): void {
  it.each([
    ['GET', '/events/evt-1/zoom/unknown'],
    ['PATCH', '/events/evt-1/zoom'],
    ['GET', '/'],
  ] as const)('answers 404 not_found for %s %s', async (method, url) => {
    const { status, body } = await send(await api.app(fakeGateway()), { method, url });

    expect(status).toBe(404);
    expect(body).toStrictEqual({
      error: { code: 'not_found', message: `No route ${method} ${url}.` },
    });
  });
}

function internalCases(api: ReturnType<typeof useApi>): void {
  it('answers 500 internal_error without the error message', async () => {
    const leak = 'db password is hunter2 at /var/lib/greenroom';
    const app = await api.app(fakeGateway({ read: () => Promise.reject(new Error(leak)) }));
    const response = await app.inject({ method: 'GET', url: '/events/evt-1/zoom' });

    expect(response.statusCode).toBe(500);
    expect(response.json()).toStrictEqual({
      error: {
        code: 'internal_error',
        message: ERROR_REGISTRY.internal_error.message,
        requestId: response.headers['x-request-id'],
      },
    });
    expect(response.body).not.toContain('hunter2');
  });

  it('answers 500 internal_error when an action throws a plain Error', async () => {
    const app = await api.app(actThrowing(new Error('socket hang up at 10.0.0.7')));
    const response = await app.inject(action('disable'));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('10.0.0.7');
  });
}

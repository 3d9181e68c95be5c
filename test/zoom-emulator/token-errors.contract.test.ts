import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RefusalCause } from '../../common/status.js';
import { interpretTokenAnswer, ZoomRefusal } from '../../activities/zoom/token-client.js';
import { buildZoomEmulator } from '../../zoom-emulator/app.js';
import {
  attemptFor,
  basicAuth,
  control,
  createApp,
  requestToken,
  type TokenAttempt,
} from './helpers.js';

const INVALID_CLIENT = { reason: 'Invalid client_id or client_secret', error: 'invalid_client' };
const ACCOUNT_MISSING = { reason: 'Account does not exist', error: 'invalid_request' };
const TYPE_NOT_ENABLED = {
  reason: 'Account does not enabled the OAuth app type',
  error: 'invalid_request',
};
const UNSUPPORTED_GRANT = { reason: 'unsupported grant type', error: 'unsupported_grant_type' };
const DISABLED = { reason: 'The app has been disabled', error: 'invalid_client', code: 4717 };

interface Row {
  situation: string;
  /** Builds the situation through the control API and returns the token request to send. */
  arrange: (app: FastifyInstance) => Promise<TokenAttempt>;
  status: number;
  body: object;
  /** How Greenroom's token client must classify the answer. */
  cause: RefusalCause;
}

/** One row per row of ZOOM-CONTRACT.md's token error table, plus the variants Zoom also shows. */
const rows: Row[] = [
  {
    situation: 'wrong client secret',
    arrange: async (app) => ({ ...attemptFor(await createApp(app)), authorization: wrong() }),
    status: 400,
    body: INVALID_CLIENT,
    cause: 'invalid_client',
  },
  {
    situation: 'unknown client id',
    arrange: async (app) => {
      const { accountId } = await createApp(app);
      return attemptFor({ accountId, clientId: 'nobody', clientSecret: 'nothing' });
    },
    status: 400,
    body: INVALID_CLIENT,
    cause: 'invalid_client',
  },
  {
    situation: 'secret regenerated, old secret used',
    arrange: async (app) => {
      const created = await createApp(app);
      await control(app, 'POST', `/apps/${created.clientId}/regenerate-secret`);
      return attemptFor(created);
    },
    status: 400,
    body: INVALID_CLIENT,
    cause: 'invalid_client',
  },
  {
    situation: 'app deleted',
    arrange: async (app) => {
      const created = await createApp(app);
      await control(app, 'DELETE', `/apps/${created.clientId}`);
      return attemptFor(created);
    },
    status: 400,
    body: INVALID_CLIENT,
    cause: 'invalid_client',
  },
  {
    situation: 'invalid client answered with 401 (settings)',
    arrange: async (app) => {
      await control(app, 'PUT', '/settings', { invalidClientStatus: 401 });
      return { ...attemptFor(await createApp(app)), authorization: wrong() };
    },
    status: 401,
    body: INVALID_CLIENT,
    cause: 'invalid_client',
  },
  {
    situation: 'no Basic header',
    arrange: async (app) => ({ ...attemptFor(await createApp(app)), authorization: undefined }),
    status: 400,
    body: INVALID_CLIENT,
    cause: 'invalid_client',
  },
  {
    situation: 'garbled Basic header',
    arrange: async (app) => ({ ...attemptFor(await createApp(app)), authorization: 'Basic %%%' }),
    status: 400,
    body: INVALID_CLIENT,
    cause: 'invalid_client',
  },
  {
    situation: 'unknown account id',
    arrange: async (app) => ({ ...attemptFor(await createApp(app)), form: form('no-such') }),
    status: 400,
    body: ACCOUNT_MISSING,
    cause: 'account_not_found',
  },
  {
    situation: 'app type not enabled for the account',
    arrange: async (app) => attemptFor(await createApp(app, { s2sEnabled: false })),
    status: 400,
    body: TYPE_NOT_ENABLED,
    cause: 'app_type_not_enabled',
  },
  {
    situation: 'credentials of a non-S2S app',
    arrange: async (app) => attemptFor(await createApp(app, {}, { type: 'oauth' })),
    status: 400,
    body: UNSUPPORTED_GRANT,
    cause: 'unsupported_grant_type',
  },
  {
    situation: 'wrong grant_type value',
    arrange: async (app) => {
      const created = await createApp(app);
      const grant = { grant_type: 'client_credentials', account_id: created.accountId };
      return { ...attemptFor(created), form: grant };
    },
    status: 400,
    body: UNSUPPORTED_GRANT,
    cause: 'unsupported_grant_type',
  },
  {
    situation: 'app deactivated',
    arrange: async (app) => {
      const created = await createApp(app);
      await control(app, 'POST', `/apps/${created.clientId}/deactivate`);
      return attemptFor(created);
    },
    status: 400,
    body: DISABLED,
    cause: 'app_disabled',
  },
  {
    situation: 'app never activated',
    arrange: async (app) => attemptFor(await createApp(app, {}, { activated: false })),
    status: 400,
    body: DISABLED,
    cause: 'app_disabled',
  },
  {
    situation: 'app disabled answered with 401 (settings)',
    arrange: async (app) => {
      await control(app, 'PUT', '/settings', { disabledAppStatus: 401 });
      return attemptFor(await createApp(app, {}, { activated: false }));
    },
    status: 401,
    body: DISABLED,
    cause: 'app_disabled',
  },
];

function wrong(): string {
  return basicAuth('not-the-client', 'not-the-secret');
}

function form(accountId: string): Record<string, string> {
  return { grant_type: 'account_credentials', account_id: accountId };
}

describe('zoom emulator token endpoint', () => {
  let app: FastifyInstance;

  beforeEach(async () => {
    app = await buildZoomEmulator();
  });

  afterEach(async () => {
    await app.close();
  });

  describe.each(rows)('when $situation', (row) => {
    it(`answers ${row.status} with Zoom's body`, async () => {
      const response = await requestToken(app, await row.arrange(app));

      expect(response.statusCode).toBe(row.status);
      expect(response.json()).toStrictEqual(row.body);
    });

    it(`is classified by the token client as ${row.cause}`, async () => {
      const response = await requestToken(app, await row.arrange(app));

      const answer = () =>
        interpretTokenAnswer(response.statusCode, response.body, new Headers(), Date.now());
      expect(answer).toThrow(ZoomRefusal);
      expect(catchRefusal(answer).refusalCause).toBe(row.cause);
    });
  });

  it('counts each refusal once', async () => {
    const attempt = await rows[0]!.arrange(app);
    await requestToken(app, attempt);

    const stats = await control(app, 'GET', '/stats');
    expect(stats).toMatchObject({ tokenRequests: 1, tokenRefusals: 1, tokensIssued: 0 });
  });
});

function catchRefusal(run: () => unknown): ZoomRefusal {
  try {
    run();
  } catch (error) {
    if (error instanceof ZoomRefusal) return error;
  }
  throw new Error('expected a ZoomRefusal');
}

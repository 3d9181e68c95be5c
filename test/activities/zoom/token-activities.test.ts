import { ApplicationFailure, type Logger, type LogLevel } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenActivities } from '../../../activities/zoom/token-activities.js';
import {
  ZoomRefusal,
  ZoomTransientError,
  type MintedToken,
  type ZoomCredentials,
} from '../../../activities/zoom/token-client.js';
import { createSecretBox, fingerprint, generateKey } from '../../../common/crypto.js';
import { FailureType } from '../../../common/failures.js';
import { createSqliteStore } from '../../../store/sqlite-store.js';
import type { IntegrationStore } from '../../../store/types.js';

const EVENT = 'evt-mint';
const SCHEDULED_MS = 1_800_000_000_000;
const TOKEN = 'zoom-access-token-never-leaves-the-activity';
const SECRET = 'client-secret-for-mint';

type RequestToken = (credentials: ZoomCredentials) => Promise<MintedToken>;

/** Keeps every log line so a test can check that no secret was written. */
function recordingLogger(lines: string[]): Logger {
  const record = (level: LogLevel, message: string, meta?: object) => {
    lines.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
  };

  return {
    log: record,
    trace: (message, meta) => record('TRACE', message, meta),
    debug: (message, meta) => record('DEBUG', message, meta),
    info: (message, meta) => record('INFO', message, meta),
    warn: (message, meta) => record('WARN', message, meta),
    error: (message, meta) => record('ERROR', message, meta),
  };
}

function minted(overrides: Partial<MintedToken> = {}): MintedToken {
  return {
    accessToken: TOKEN,
    expiresInSeconds: 3600,
    scopes: ['user:read:admin'],
    apiUrl: undefined,
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error('expected an ApplicationFailure');

  return error;
}

describe('createTokenActivities', () => {
  let store: IntegrationStore;
  let logs: string[];
  let env: MockActivityEnvironment;
  let credentialsId: string;
  let outcomes: string[];

  beforeEach(async () => {
    outcomes = [];
    store = createSqliteStore({ filename: ':memory:', secretBox: createSecretBox(generateKey()) });
    logs = [];
    env = new MockActivityEnvironment({}, { logger: recordingLogger(logs) });
    credentialsId = await store.saveCandidateCredentials({
      eventId: EVENT,
      accountId: 'acct',
      clientId: 'client',
      clientSecret: SECRET,
    });
  });

  afterEach(async () => {
    await store.close();
  });

  function mint(
    requestToken: RequestToken,
    input = { eventId: EVENT, credentialsId, requestedAtMs: SCHEDULED_MS },
  ) {
    const metrics = {
      tokenMint: (outcome: string, cause: string) => outcomes.push(`${outcome}/${cause}`),
    };
    const activities = createTokenActivities({ store, requestToken, metrics });

    return env.run((given: typeof input) => activities.mintToken(given), input);
  }

  describe('when Zoom mints a token', () => {
    it('answers the fingerprint and times counted from when the workflow asked', async () => {
      const result = await mint(() => Promise.resolve(minted()));

      expect(result).toStrictEqual({
        fingerprint: fingerprint(TOKEN),
        mintedAtMs: SCHEDULED_MS,
        expiresAtMs: SCHEDULED_MS + 3_600_000,
      });
    });

    it('never answers or logs the token itself', async () => {
      const result = await mint(() => Promise.resolve(minted()));

      expect(JSON.stringify(result)).not.toContain(TOKEN);
      expect(logs.join('\n')).toContain('token minted');
      expect(logs.join('\n')).not.toContain(TOKEN);
    });

    it('counts one mint with no cause', async () => {
      await mint(() => Promise.resolve(minted()));

      expect(outcomes).toStrictEqual(['minted/none']);
    });

    it('stores the token and promotes the credentials', async () => {
      await mint(() => Promise.resolve(minted()));

      expect(await store.readActiveToken(EVENT)).toMatchObject({
        accessToken: TOKEN,
        credentialsId,
      });
    });

    it('hands the decrypted credentials to the token request', async () => {
      const seen: ZoomCredentials[] = [];
      await mint((credentials) => {
        seen.push(credentials);
        return Promise.resolve(minted());
      });

      expect(seen[0]).toMatchObject({
        accountId: 'acct',
        clientId: 'client',
        clientSecret: SECRET,
      });
    });
  });

  describe('when Zoom refuses', () => {
    it.each([
      ['invalid_client', FailureType.ZoomCredentialsRefused, []],
      ['app_disabled', FailureType.ZoomCredentialsRefused, []],
      ['scopes_missing', FailureType.ZoomScopesMissing, ['webinar:read:webinar:admin']],
    ] as const)('fails non-retryably on %s with type %s', async (cause, type, missing) => {
      const refusal = new ZoomRefusal(cause, 'zoom said no', [...missing]);
      const failure = await failureOf(mint(() => Promise.reject(refusal)));

      expect(failure.type).toBe(type);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.details).toStrictEqual([{ cause, missingScopes: missing }]);
      expect(outcomes).toStrictEqual([`refused/${cause}`]);
    });

    it('keeps the secret out of the failure and the logs', async () => {
      const refusal = new ZoomRefusal('invalid_client', 'bad secret');
      const failure = await failureOf(mint(() => Promise.reject(refusal)));

      expect(JSON.stringify([failure.message, failure.details])).not.toContain(SECRET);
      expect(logs.join('\n')).not.toContain(SECRET);
      expect(await store.readActiveToken(EVENT)).toBeNull();
    });
  });

  describe('when Zoom is unwell', () => {
    it.each(['network', 'timeout', 'server_error', 'bad_response'] as const)(
      'fails retryably as ZoomUnavailable on %s',
      async (reason) => {
        const error = new ZoomTransientError(reason, `zoom ${reason}`);
        const failure = await failureOf(mint(() => Promise.reject(error)));

        expect(failure.type).toBe(FailureType.ZoomUnavailable);
        expect(failure.nonRetryable).toBe(false);
        expect(failure.details).toStrictEqual([{ reason, retryAfterMs: null }]);
        expect(outcomes).toStrictEqual([`failed/${reason}`]);
      },
    );

    it('fails retryably as ZoomRateLimited carrying retryAfterMs', async () => {
      const error = new ZoomTransientError('rate_limited', 'slow down', 45_000);
      const failure = await failureOf(mint(() => Promise.reject(error)));

      expect(failure.type).toBe(FailureType.ZoomRateLimited);
      expect(failure.nonRetryable).toBe(false);
      expect(failure.details).toStrictEqual([{ reason: 'rate_limited', retryAfterMs: 45_000 }]);
    });
  });

  describe('when the credentials cannot be used', () => {
    it('fails non-retryably with CredentialsMissing when they were erased', async () => {
      await store.eraseEvent(EVENT);
      const failure = await failureOf(mint(() => Promise.resolve(minted())));

      expect(failure.type).toBe(FailureType.CredentialsMissing);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.details).toStrictEqual([{ cause: 'credentials_missing', missingScopes: [] }]);
      expect(outcomes).toStrictEqual(['refused/credentials_missing']);
    });

    it('fails with CredentialsMissing when they belong to another event', async () => {
      const input = { eventId: 'evt-other', credentialsId, requestedAtMs: SCHEDULED_MS };
      const failure = await failureOf(mint(() => Promise.resolve(minted()), input));

      expect(failure.type).toBe(FailureType.CredentialsMissing);
    });

    it('does not call Zoom at all', async () => {
      let calls = 0;
      await store.eraseEvent(EVENT);
      await failureOf(
        mint(() => {
          calls += 1;
          return Promise.resolve(minted());
        }),
      );

      expect(calls).toBe(0);
    });
  });

  describe('when the token request throws something unclassified', () => {
    it('lets the original error through', async () => {
      const error = new RangeError('unexpected');

      await expect(mint(() => Promise.reject(error))).rejects.toBe(error);
      expect(outcomes).toStrictEqual(['failed/unexpected']);
    });
  });
});

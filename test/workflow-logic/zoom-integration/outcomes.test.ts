import {
  ActivityFailure,
  ApplicationFailure,
  RetryState,
  TimeoutFailure,
  TimeoutType,
} from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { FailureType } from '../../../common/failures.js';
import { ORGANISER_CHECKS } from '../../../common/status.js';
import { classifyMintFailure } from '../../../workflows/zoom-integration/outcomes.js';

const NOW_MS = 1_700_000_000_000;

function activityFailure(cause: Error): ActivityFailure {
  return new ActivityFailure(
    'activity failed',
    'mintToken',
    '1',
    RetryState.NON_RETRYABLE_FAILURE,
    'worker',
    cause,
  );
}

function applicationFailure(type: string, details: unknown, nonRetryable: boolean) {
  return ApplicationFailure.create({ type, message: type, nonRetryable, details: [details] });
}

describe('classifyMintFailure', () => {
  describe('when the activity failed with a refusal type', () => refusalCases());
  describe('when the activity failed with a transient type', () => transientCases());
  describe('when the failure is of an unknown kind', () => unknownCases());
});

function refusalCases(): void {
  it('answers refused with zoom_credentials_refused for ZoomCredentialsRefused', () => {
    const details = { cause: 'invalid_client', missingScopes: [] };
    const failure = applicationFailure(FailureType.ZoomCredentialsRefused, details, true);

    expect(classifyMintFailure(activityFailure(failure), NOW_MS)).toStrictEqual({
      kind: 'refused',
      error: {
        code: 'zoom_credentials_refused',
        message: expect.stringContaining('Client Secret') as unknown,
        cause: 'invalid_client',
        checks: [...ORGANISER_CHECKS],
        missingScopes: [],
        retryable: false,
        atMs: NOW_MS,
      },
    });
  });

  it('answers refused for a local activity refusal that arrives unwrapped', () => {
    const details = { cause: 'app_disabled', missingScopes: [] };
    const failure = applicationFailure(FailureType.ZoomCredentialsRefused, details, true);

    expect(classifyMintFailure(failure, NOW_MS)).toMatchObject({
      kind: 'refused',
      error: { cause: 'app_disabled', retryable: false },
    });
  });

  it('names a cause by type when a refusal lost its details', () => {
    const failure = ApplicationFailure.create({
      type: FailureType.ZoomScopesMissing,
      message: 'no details',
      nonRetryable: true,
    });

    expect(classifyMintFailure(failure, NOW_MS)).toMatchObject({
      kind: 'refused',
      error: { code: 'zoom_scopes_missing', cause: 'scopes_missing' },
    });
  });

  it('answers refused with zoom_scopes_missing and the missing scopes', () => {
    const missing = ['meeting:write:meeting:admin'];
    const details = { cause: 'scopes_missing', missingScopes: missing };
    const failure = applicationFailure(FailureType.ZoomScopesMissing, details, true);

    expect(classifyMintFailure(activityFailure(failure), NOW_MS)).toMatchObject({
      kind: 'refused',
      error: { code: 'zoom_scopes_missing', cause: 'scopes_missing', missingScopes: missing },
    });
  });

  it('answers refused with cause credentials_missing for CredentialsMissing', () => {
    const details = { cause: 'credentials_missing', missingScopes: [] };
    const failure = applicationFailure(FailureType.CredentialsMissing, details, true);

    expect(classifyMintFailure(activityFailure(failure), NOW_MS)).toMatchObject({
      kind: 'refused',
      error: { code: 'zoom_credentials_refused', cause: 'credentials_missing', retryable: false },
    });
  });
}

function transientCases(): void {
  it('answers transient zoom_unavailable naming the reason for ZoomUnavailable', () => {
    const details = { reason: 'server_error', retryAfterMs: null };
    const failure = applicationFailure(FailureType.ZoomUnavailable, details, false);

    expect(classifyMintFailure(activityFailure(failure), NOW_MS)).toStrictEqual({
      kind: 'transient',
      error: {
        code: 'zoom_unavailable',
        message: expect.stringMatching(/^Zoom is unavailable \(server error\)/) as unknown,
        cause: null,
        checks: [],
        missingScopes: [],
        retryable: true,
        atMs: NOW_MS,
      },
      retryAfterMs: null,
    });
  });

  it('carries retryAfterMs for ZoomRateLimited', () => {
    const details = { reason: 'rate_limited', retryAfterMs: 30_000 };
    const failure = applicationFailure(FailureType.ZoomRateLimited, details, false);

    expect(classifyMintFailure(activityFailure(failure), NOW_MS)).toMatchObject({
      kind: 'transient',
      error: {
        code: 'zoom_unavailable',
        message: expect.stringContaining('rate limited') as unknown,
      },
      retryAfterMs: 30_000,
    });
  });
}

function unknownCases(): void {
  it.each([
    ['a plain Error', new Error('boom')],
    ['undefined', undefined],
    [
      'an activity timeout',
      activityFailure(new TimeoutFailure('t', null, TimeoutType.START_TO_CLOSE)),
    ],
    ['an untyped application failure', activityFailure(ApplicationFailure.retryable('x'))],
  ])('answers transient with reason timeout for %s', (_label, failure) => {
    expect(classifyMintFailure(failure, NOW_MS)).toMatchObject({
      kind: 'transient',
      error: {
        code: 'zoom_unavailable',
        retryable: true,
        message: expect.stringContaining('timeout') as unknown,
      },
      retryAfterMs: null,
    });
  });
}

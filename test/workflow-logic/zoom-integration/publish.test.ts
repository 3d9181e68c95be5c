import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../../common/durations.js';
import { ORGANISER_CHECKS, organiserHint } from '../../../common/status.js';
import type { IntegrationState } from '../../../workflows/zoom-integration/definitions.js';
import { refusalError, unavailableError } from '../../../workflows/zoom-integration/outcomes.js';
import { currentDetails } from '../../../workflows/zoom-integration/publish.js';

const NOW_MS = Date.parse('2027-03-01T09:00:00.000Z');
const EXPIRES_MS = NOW_MS + 60 * MINUTE_MS;

function stateOf(change: Partial<IntegrationState>): IntegrationState {
  return {
    eventId: 'launch-2027',
    status: 'active',
    credentialsId: 'cred_1',
    token: { fingerprint: 'f', mintedAtMs: NOW_MS, expiresAtMs: EXPIRES_MS },
    lastError: null,
    mintCount: 3,
    transientAttempt: 0,
    recheckAttempt: 0,
    nextAttemptAtMs: null,
    totalCycles: 2,
    runsCompleted: 0,
    ...change,
  };
}

describe('currentDetails', () => {
  describe('while active', () => {
    it('names the status, the next regeneration and the expiry, and asks nothing', () => {
      const text = currentDetails(stateOf({}), 'active', EXPIRES_MS - 5 * MINUTE_MS);

      expect(text).toContain('launch-2027: `active`');
      expect(text).toContain('Next regeneration: 2027-03-01T09:55:00Z.');
      expect(text).toContain('Token: expires 2027-03-01T10:00:00Z; 3 minted so far.');
      expect(text).not.toContain('organiser:');
    });
  });

  describe('when Zoom refused the credentials', () => {
    const refused = stateOf({
      status: 'needs_organiser',
      lastError: refusalError({ cause: 'app_disabled', missingScopes: [] }, NOW_MS),
      nextAttemptAtMs: NOW_MS + 5 * MINUTE_MS,
    });
    const text = currentDetails(refused, 'needs_organiser', NOW_MS + 5 * MINUTE_MS);

    it('names the cause and the hint for the organiser', () => {
      expect(text).toContain('`needs_organiser`');
      expect(text).toContain('Cause: `app_disabled`.');
      expect(text).toContain(`Hint for the organiser: ${organiserHint('app_disabled')}`);
    });

    it('lists the checks in the order of the product rule', () => {
      const checks = ORGANISER_CHECKS.map((check) => text.indexOf(check));

      expect(checks.every((at) => at > 0)).toBe(true);
      expect([...checks].sort((a, b) => a - b)).toEqual(checks);
    });

    it('says when the same credentials are re-checked', () => {
      expect(text).toContain('re-checked at 2027-03-01T09:05:00Z');
    });
  });

  describe('while Zoom is unwell', () => {
    it('gives the problem and the next retry, and tells the organiser nothing is needed', () => {
      const degraded = stateOf({ status: 'degraded', lastError: unavailableError('5xx', NOW_MS) });
      const text = currentDetails(degraded, 'degraded', NOW_MS + 2000);

      expect(text).toContain('Next retry: 2027-03-01T09:00:02Z.');
      expect(text).toContain('Nothing for the organiser to do.');
      expect(text).not.toContain('Hint for the organiser');
    });
  });

  describe('while disabled or disconnected', () => {
    it('plans no regeneration while disabled', () => {
      const text = currentDetails(stateOf({ status: 'disabled' }), 'disabled', null);

      expect(text).toContain('Next regeneration: none until the organiser enables');
    });

    it('says the integration ended once disconnected', () => {
      const text = currentDetails(stateOf({ token: null }), 'not_connected', null);

      expect(text).toContain('`not_connected`');
      expect(text).toContain('Token: none');
      expect(text).not.toContain('Next regeneration');
    });
  });
});

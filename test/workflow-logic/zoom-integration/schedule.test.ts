import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, SECOND_MS } from '../../../common/durations.js';
import { backoffMs, refreshAtMs } from '../../../workflows/zoom-integration/schedule.js';

const MINTED_MS = 1_000_000;

function tokenLiving(lifetimeMs: number) {
  return { fingerprint: 'f', mintedAtMs: MINTED_MS, expiresAtMs: MINTED_MS + lifetimeMs };
}

describe('refreshAtMs', () => {
  describe('when the margin is small next to the lifetime', () => {
    it('refreshes the margin before expiry', () => {
      const token = tokenLiving(HOUR_MS);

      expect(refreshAtMs(token, 5 * MINUTE_MS)).toBe(token.expiresAtMs - 5 * MINUTE_MS);
    });
  });

  describe('when the margin exceeds a quarter of the lifetime', () => {
    it('caps the margin at a quarter of the lifetime', () => {
      const token = tokenLiving(MINUTE_MS);

      expect(refreshAtMs(token, 5 * MINUTE_MS)).toBe(token.expiresAtMs - 15 * SECOND_MS);
    });

    it('rounds the quarter down to whole milliseconds', () => {
      expect(refreshAtMs(tokenLiving(10), HOUR_MS)).toBe(MINTED_MS + 10 - 2);
    });
  });

  describe('when the margin equals a quarter of the lifetime', () => {
    it('refreshes at three quarters of the lifetime', () => {
      expect(refreshAtMs(tokenLiving(4 * MINUTE_MS), MINUTE_MS)).toBe(MINTED_MS + 3 * MINUTE_MS);
    });
  });
});

describe('backoffMs', () => {
  describe('when attempts grow', () => {
    it('doubles from the initial delay', () => {
      const delays = [0, 1, 2, 3].map((attempt) => backoffMs(attempt, 2 * SECOND_MS, HOUR_MS));

      expect(delays).toStrictEqual([2_000, 4_000, 8_000, 16_000]);
    });
  });

  describe('when the doubled delay passes the maximum', () => {
    it('stays at the maximum', () => {
      expect(backoffMs(7, 2 * SECOND_MS, 5 * MINUTE_MS)).toBe(256 * SECOND_MS);
      expect(backoffMs(8, 2 * SECOND_MS, 5 * MINUTE_MS)).toBe(5 * MINUTE_MS);
      expect(backoffMs(9, 2 * SECOND_MS, 5 * MINUTE_MS)).toBe(5 * MINUTE_MS);
    });

    it('stays finite and capped for very large attempt counts', () => {
      expect(backoffMs(10_000, 5 * MINUTE_MS, 4 * HOUR_MS)).toBe(4 * HOUR_MS);
    });
  });
});

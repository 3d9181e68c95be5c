import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../common/config.js';

const VALID_KEY = Buffer.alloc(32, 7).toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }

  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', () => {
  describe('when the environment is empty', () => {
    it('fills in every default', () => {
      expect(loadConfig({})).toStrictEqual({
        GREENROOM_DATA_DIR: 'data',
        TEMPORAL_ADDRESS: '127.0.0.1:7233',
        TEMPORAL_NAMESPACE: 'default',
        API_HOST: '127.0.0.1',
        API_PORT: 8080,
        ZOOM_OAUTH_URL: 'https://zoom.us/oauth/token',
        ZOOM_API_URL: 'https://api.zoom.us/v2',
        TOKEN_REFRESH_MARGIN_SECONDS: 300,
        CYCLES_BEFORE_CONTINUE_AS_NEW: 200,
        ZOOM_ACCOUNT_PLAN: 'pro',
        API_REQUESTS_PER_MINUTE: 120,
        WEBHOOK_POLL_SECONDS: 5,
        LOG_LEVEL: 'info',
      });
    });
  });

  describe('when values are given as strings', () => {
    it('coerces numbers and keeps a well-formed key', () => {
      const config = loadConfig({
        API_PORT: '9090',
        TOKEN_REFRESH_MARGIN_SECONDS: '60',
        GREENROOM_ENCRYPTION_KEY: VALID_KEY,
      });

      expect(config.API_PORT).toBe(9090);
      expect(config.TOKEN_REFRESH_MARGIN_SECONDS).toBe(60);
      expect(config.GREENROOM_ENCRYPTION_KEY).toBe(VALID_KEY);
    });

    it('ignores variables it does not know', () => {
      expect(loadConfig({ HOME: '/root' })).not.toHaveProperty('HOME');
    });
  });

  describe('when the result is used', () => {
    it('is frozen against later changes', () => {
      const config = loadConfig({});

      expect(Object.isFrozen(config)).toBe(true);
      expect(() => {
        (config as { API_PORT: number }).API_PORT = 1;
      }).toThrow(TypeError);
    });
  });

  describe('when several variables are wrong', () => {
    it('lists every problem at once, each naming its variable', () => {
      const problems = problemsOf({
        API_PORT: '70000',
        TOKEN_REFRESH_MARGIN_SECONDS: '-5',
        ZOOM_OAUTH_URL: 'not a url',
        LOG_LEVEL: 'loud',
        CYCLES_BEFORE_CONTINUE_AS_NEW: 'many',
      });

      expect(problems.map((problem) => problem.split(':')[0]).sort()).toStrictEqual([
        'API_PORT',
        'CYCLES_BEFORE_CONTINUE_AS_NEW',
        'LOG_LEVEL',
        'TOKEN_REFRESH_MARGIN_SECONDS',
        'ZOOM_OAUTH_URL',
      ]);
    });

    it('puts every problem in the error message', () => {
      expect(() => loadConfig({ API_PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(
        /invalid configuration:\n {2}API_PORT: .*\n {2}LOG_LEVEL: /,
      );
    });
  });

  describe('when the encryption key has the wrong length', () => {
    it.each([
      ['16 bytes', Buffer.alloc(16).toString('base64')],
      ['33 bytes', Buffer.alloc(33).toString('base64')],
      ['not base64', '!'.repeat(43) + '='],
    ])('explains the expected size for %s', (_label, key) => {
      expect(problemsOf({ GREENROOM_ENCRYPTION_KEY: key })).toStrictEqual([
        'GREENROOM_ENCRYPTION_KEY: must be 32 bytes in base64 (44 characters)',
      ]);
    });
  });
});

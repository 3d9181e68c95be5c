import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { configProblemsOf } from '../support/config-problems.js';

const VALID_KEY = Buffer.alloc(32, 7).toString('base64');

const problemsOf = (env: Record<string, string>) => configProblemsOf(() => loadConfig(env));

describe('loadConfig', () => {
  describe('when the environment is empty', () => {
    it('fills in every default', () => {
      expect(loadConfig({})).toStrictEqual({
        GREENROOM_DATA_DIR: 'data',
        TEMPORAL_ADDRESS: '127.0.0.1:7233',
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TLS: false,
        SHUTDOWN_GRACE_SECONDS: 30,
        API_HOST: '127.0.0.1',
        API_PORT: 8080,
        ZOOM_OAUTH_URL: 'https://zoom.us/oauth/token',
        ZOOM_API_URL: 'https://api.zoom.us/v2',
        TOKEN_REFRESH_MARGIN_SECONDS: 300,
        CYCLES_BEFORE_CONTINUE_AS_NEW: 200,
        ZOOM_ACCOUNT_PLAN: 'pro',
        API_REQUESTS_PER_MINUTE: 120,
        WORKER_METRICS_ADDRESS: '127.0.0.1:9464',
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

  describe('when the worker metrics address is given', () => {
    it.each(['0.0.0.0:9464', 'off'])('keeps %s', (address) => {
      expect(loadConfig({ WORKER_METRICS_ADDRESS: address }).WORKER_METRICS_ADDRESS).toBe(address);
    });

    it.each(['9464', 'http://127.0.0.1:9464', ''])('names the expected shape for %j', (address) => {
      expect(problemsOf({ WORKER_METRICS_ADDRESS: address })).toStrictEqual([
        'WORKER_METRICS_ADDRESS: must be host:port (such as 127.0.0.1:9464) or off',
      ]);
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

  describe('when a PostgreSQL URL is given', () => {
    it('keeps a well-formed one', () => {
      const url = 'postgresql://greenroom:s3cret@db.internal:5432/greenroom';
      expect(loadConfig({ GREENROOM_DATABASE_URL: url }).GREENROOM_DATABASE_URL).toBe(url);
    });

    it.each([
      ['not a URL', 'greenroom:s3cret@db/greenroom'],
      ['another scheme', 'mysql://greenroom:s3cret@db/greenroom'],
      ['no database', 'postgres://greenroom:s3cret@db:5432/'],
      ['no host', 'postgres:///greenroom'],
    ])('refuses %s without repeating the password', (_label, url) => {
      const problems = problemsOf({ GREENROOM_DATABASE_URL: url });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^GREENROOM_DATABASE_URL: must be a URL such as postgres:\/\//);
      expect(problems.join()).not.toContain('s3cret');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl, isRetryable } from '../../store/postgres-database.js';

describe('the PostgreSQL connection', () => {
  describe('when its URL is logged', () => {
    it('shows the user, host, port and database, never the password', () => {
      const shown = describeDatabaseUrl('postgres://greenroom:s3cret@db.internal:5432/store?ssl=1');
      expect(shown).toBe('postgres://greenroom@db.internal:5432/store');
    });
  });

  describe('when a transaction fails', () => {
    it('runs it again only after a serialization failure or a deadlock', () => {
      expect([{ code: '40001' }, { code: '40P01' }].map(isRetryable)).toEqual([true, true]);
      expect([{ code: '23505' }, new Error('boom'), null].map(isRetryable)).toEqual([
        false,
        false,
        false,
      ]);
    });
  });
});

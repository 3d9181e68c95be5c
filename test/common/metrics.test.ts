import { describe, expect, it } from 'vitest';
import { zoomEndpoint } from '../../common/metrics.js';

describe('zoomEndpoint', () => {
  describe('when a path names users, meetings or webinars by id', () => {
    it.each([
      ['GET', '/users/ada%40example.com', 'GET /users/{userId}'],
      ['GET', '/users/s8z6E9ynRNJ-hOokhmpFgw/settings', 'GET /users/{userId}/settings'],
      ['POST', '/users/s8z6E9ynRNJ/meetings', 'POST /users/{userId}/meetings'],
      ['GET', '/users/s8z6E9ynRNJ/webinars?page_size=300', 'GET /users/{userId}/webinars'],
      ['PATCH', '/meetings/85746065432', 'PATCH /meetings/{meetingId}'],
      ['DELETE', '/webinars/93847561234', 'DELETE /webinars/{webinarId}'],
    ])('turns %s %s into %s', (method, path, template) => {
      expect(zoomEndpoint(method, path)).toBe(template);
    });
  });

  describe('when a path has a query string or no id', () => {
    it('keeps the listing and drops the query, page token included', () => {
      expect(zoomEndpoint('get', '/users?status=active&next_page_token=abc123')).toBe('GET /users');
    });

    it('keeps the token endpoint as it is', () => {
      expect(zoomEndpoint('POST', '/oauth/token')).toBe('POST /oauth/token');
    });
  });

  describe('when a path has segments it does not know', () => {
    it('replaces each with a placeholder, so no id or email reaches a label', () => {
      const template = zoomEndpoint('GET', '/accounts/acct-42/ada@example.com');

      expect(template).toBe('GET /{id}/{id}/{id}');
    });
  });
});

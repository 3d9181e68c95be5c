import type { LightMyRequestResponse } from 'fastify';
import { beforeEach } from 'vitest';
import {
  addUser,
  apiCall,
  control,
  mint,
  type ApiMethod,
  type EmulatorFixture,
} from './helpers.js';

/** Every granular scope the meetings and webinars routes take, listings included. */
export const MEETING_SCOPES = [
  'meeting:write:meeting:admin',
  'meeting:read:meeting:admin',
  'meeting:read:list_meetings:admin',
  'meeting:update:meeting:admin',
  'meeting:delete:meeting:admin',
  'webinar:write:webinar:admin',
  'webinar:read:webinar:admin',
  'webinar:read:list_webinars:admin',
  'webinar:update:webinar:admin',
  'webinar:delete:webinar:admin',
];

export type Kind = 'meetings' | 'webinars';

/** The fields of a create or get answer that tests read. */
export interface ZoomMeeting {
  id: number;
  uuid: string;
  host_id: string;
  host_email: string;
  topic: string;
  type: number;
  start_time: string;
  duration: number;
  timezone: string;
  agenda: string;
  join_url: string;
  start_url: string;
  password: string;
  settings: Record<string, unknown>;
}

export const KEYNOTE = { topic: 'Keynote', start_time: '2030-06-15T10:00:00Z', duration: 45 };

/**
 * Shortcuts bound to one fixture. Registers a beforeEach that gives the fixture's app exactly
 * MEETING_SCOPES, so these tests do not follow what Greenroom happens to require.
 */
export function useMeetingTools(env: EmulatorFixture) {
  beforeEach(async () => {
    const { clientId } = env.credentials;
    await control(env.app, 'PUT', `/apps/${clientId}/scopes`, { scopes: MEETING_SCOPES });
  });
  let hosts = 0;
  const call = async (method: ApiMethod, path: string, payload?: object) =>
    apiCall(env.app, await mint(env.app, env.credentials), method, path, payload);
  const create = (kind: Kind, hostId: string, body: object = {}) =>
    call('POST', `/users/${hostId}/${kind}`, { ...KEYNOTE, ...body });

  return {
    call,
    create,
    /** A licensed, active user of the fixture's account; settings and status may be given. */
    addHost: (body: { type?: number; status?: string; settings?: object } = {}) => {
      hosts += 1;
      return addUser(env.app, env.credentials.accountId, {
        email: `host${hosts}@example.com`,
        ...body,
      });
    },
    /** Creates and insists on a 201, for tests about what comes after. */
    created: async (kind: Kind, hostId: string, body: object = {}) =>
      expectStatus(await create(kind, hostId, body), 201).json<ZoomMeeting>(),
  };
}

export function expectStatus(response: LightMyRequestResponse, status: number) {
  if (response.statusCode !== status) {
    throw new Error(`expected ${status}, got ${response.statusCode}: ${response.body}`);
  }
  return response;
}

import type { ZoomCallCategory } from './zoom-rate-limits.js';

/** How one token request ended: a token, Zoom's refusal (with its cause) or a failure to ask. */
export type MintOutcome = 'minted' | 'refused' | 'failed';

/**
 * What Greenroom counts about its work with Zoom. The worker records it on Temporal's metric meter
 * and the API on its own registry, so the series have the same names and labels in both.
 */
export interface GreenroomMetrics {
  /** One token request; `cause` is the refusal cause or failure reason, `none` for a mint. */
  tokenMint(outcome: MintOutcome, cause: string): void;
  /** One HTTP call to Zoom: `endpoint` is a route template, `status` the HTTP status or failure. */
  zoomCall(endpoint: string, status: string): void;
  /** One Zoom call that had to wait for the account's pacing slot, and for how long. */
  rateLimitWait(category: ZoomCallCategory, seconds: number): void;
}

/** For code run without an exporter (tests, tools): records nothing. */
export const NO_METRICS: GreenroomMetrics = {
  tokenMint: () => undefined,
  zoomCall: () => undefined,
  rateLimitWait: () => undefined,
};

/** Names, label names and help of the Greenroom series, shared by both exporters. */
export const GREENROOM_SERIES = {
  tokenMints: {
    name: 'greenroom_token_mints_total',
    labels: ['outcome', 'cause'],
    help: 'Zoom token requests by outcome (minted, refused, failed) and cause',
  },
  zoomCalls: {
    name: 'greenroom_zoom_calls_total',
    labels: ['endpoint', 'status'],
    help: 'HTTP calls to Zoom by route template and HTTP status (or network, timeout)',
  },
  rateLimitWaits: {
    name: 'greenroom_zoom_rate_limit_wait_seconds',
    labels: ['category'],
    help: 'Zoom calls that waited for the account pacing slot, and seconds waited, by category',
  },
} as const;

/** Pacing waits last from milliseconds (a busy second) to seconds (a queued programme). */
export const RATE_LIMIT_WAIT_BUCKETS_SECONDS = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** The literal words of Zoom's API paths; every other segment is an id, an email or a token. */
const ZOOM_PATH_WORDS = new Set(['users', 'settings', 'meetings', 'webinars', 'oauth', 'token']);
const PLACEHOLDER_AFTER: Record<string, string> = {
  users: '{userId}',
  meetings: '{meetingId}',
  webinars: '{webinarId}',
};

/**
 * The route template of a Zoom call, such as `GET /users/{userId}/settings`: ids, emails and
 * query strings never reach a label, which keeps the series few and free of personal data.
 */
export function zoomEndpoint(method: string, path: string): string {
  const segments = (path.split('?')[0] ?? '').split('/').filter(Boolean);
  const template = segments.map((segment, index) => {
    if (ZOOM_PATH_WORDS.has(segment)) return segment;
    return PLACEHOLDER_AFTER[segments[index - 1] ?? ''] ?? '{id}';
  });

  return `${method.toUpperCase()} /${template.join('/')}`;
}

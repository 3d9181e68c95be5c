import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SessionSyncInput } from '../../activities/zoom/session-activities.js';
import type { ErrorCode } from '../../common/error-codes.js';
import type { IntegrationStatus, RefusalCause } from '../../common/status.js';
import type { ImportReport, SyncReport, ZoomHost } from '../../store/types.js';

/** Tunables of one integration, fixed by the API when it starts the workflow. */
export interface IntegrationSettings {
  /** How long before expiry a token is regenerated; capped at a quarter of its lifetime. */
  refreshMarginMs: number;
  /** Cycles after which the workflow continues-as-new even if the server has not suggested it. */
  cyclesBeforeContinueAsNew: number;
  /** Updates after which a run continues as new; 1,000 when absent, far below Temporal's 2,000. */
  updatesBeforeContinueAsNew?: number;
}

/** What the workflow knows of the current token: never the token, only times and a label. */
export interface TokenSummary {
  fingerprint: string;
  mintedAtMs: number;
  expiresAtMs: number;
}

/** The last failure, for the organiser; `retryable` says whether Greenroom keeps trying. */
export interface IntegrationError {
  code: ErrorCode;
  message: string;
  cause: RefusalCause | null;
  checks: string[];
  missingScopes: string[];
  retryable: boolean;
  atMs: number;
  /** Facts the organiser needs to act, such as the sessions that block a host's removal. */
  details?: Record<string, unknown>;
}

/** The whole state of an integration; carried across continue-as-new. */
export interface IntegrationState {
  eventId: string;
  status: IntegrationStatus;
  credentialsId: string | null;
  token: TokenSummary | null;
  lastError: IntegrationError | null;
  mintCount: number;
  transientAttempt: number;
  recheckAttempt: number;
  nextAttemptAtMs: number | null;
  totalCycles: number;
  runsCompleted: number;
  /**
   * Sessions released meetings that still exist on Zoom; deleted once a valid token allows.
   * Absent in states carried by runs from before sessions existed.
   */
  cleanupPending?: boolean;
  /** The status (and cause) last told to the platform; absent in runs from before notices. */
  notifiedStatus?: { status: string; cause: string | null };
  /** Status changes decided but not yet in the store's feed; carried across continue-as-new. */
  pendingNotices?: StatusNotice[];
  /** Sessions whose failed save may have left a meeting on Zoom; the cleanup settles them. */
  openWrites?: string[];
}

export interface ZoomIntegrationInput {
  eventId: string;
  settings: IntegrationSettings;
  /** Present when the workflow continues-as-new; absent on the first run. */
  carried?: IntegrationState;
}

/** What the status query answers: the state minus references the API has no use for. */
export type IntegrationView = Omit<IntegrationState, 'credentialsId'> & {
  connected: boolean;
  /** When the next regeneration, retry or re-check is due; null while disabled. */
  nextTokenWorkAtMs: number | null;
};

/** An Update's answer: the integration after the action, or why the action did not happen. */
export type ActionAnswer =
  { ok: true; view: IntegrationView } | { ok: false; error: IntegrationError };

export const getIntegrationStatus = defineQuery<IntegrationView>('getIntegrationStatus');

/** Validates the referenced credentials with Zoom and, only once a token is minted, adopts them. */
export const saveCredentials = defineUpdate<ActionAnswer, [{ credentialsId: string }]>(
  'saveCredentials',
);
export const regenerateToken = defineUpdate<ActionAnswer, []>('regenerateToken');
export const disableIntegration = defineUpdate<ActionAnswer, []>('disableIntegration');
export const enableIntegration = defineUpdate<ActionAnswer, []>('enableIntegration');
export const disconnectIntegration = defineUpdate<ActionAnswer, []>('disconnectIntegration');

/** What an organiser gives to add a Zoom host to the event. */
export interface AddHostRequest {
  firstName: string;
  lastName: string;
  email: string;
  expectedAttendees: number;
}

export type HostAnswer =
  { ok: true; host: ZoomHost; created: boolean } | { ok: false; error: IntegrationError };

export type RemoveHostAnswer = { ok: true } | { ok: false; error: IntegrationError };

/** Runs an add-host child once Zoom can be called; answers the host or why it was refused. */
export const addHost = defineUpdate<HostAnswer, [AddHostRequest]>('addHost');
/** Runs a remove-host child; needs no token, as removing calls no Zoom API. */
export const removeHost = defineUpdate<RemoveHostAnswer, [{ hostId: string }]>('removeHost');

export type ImportAnswer =
  | { ok: true; report: ImportReport & { pages: number; restarts: number } }
  | { ok: false; error: IntegrationError };

export type SyncAnswer = { ok: true; report: SyncReport } | { ok: false; error: IntegrationError };

/** Imports the Zoom account's active licensed users as hosts, all pages, in one commit. */
export const importHosts = defineUpdate<ImportAnswer, []>('importHosts');
/** Refreshes every host from Zoom by user id and flags those no longer usable. */
export const syncHosts = defineUpdate<SyncAnswer, []>('syncHosts');

/**
 * A session save with Zoom streaming: make its meeting or webinar on Zoom match the plan.
 * `answerByMs` is when the caller stops waiting: a save that cannot finish by then is not begun.
 */
export type SaveZoomSessionRequest = SessionSyncInput & { answerByMs?: number };

/** Many new sessions at once, as a platform importing a programme sends them. */
export interface SaveZoomSessionsRequest {
  sessions: SessionSyncInput[];
  answerByMs?: number;
}

/** The meeting's join link is not part of the answer: it stays in the store, out of history. */
export type SessionAnswer =
  | { ok: true; revision: number; meetingId: string; replacedMeeting: boolean }
  | { ok: false; error: IntegrationError };

/** Runs a session-sync child once Zoom can be called; nothing changes when it is refused. */
export const saveZoomSession = defineUpdate<SessionAnswer, [SaveZoomSessionRequest]>(
  'saveZoomSession',
);
/** One answer per session of a batch, in the order given. */
export interface SessionBatchAnswer {
  results: SessionAnswer[];
}

/**
 * Saves many sessions in one Update: each runs its own session-sync child, all at once, so the
 * integration spends a few workflow tasks on the batch instead of a couple on every session.
 */
export const saveZoomSessions = defineUpdate<SessionBatchAnswer, [SaveZoomSessionsRequest]>(
  'saveZoomSessions',
);

/** Sessions released meetings in the store; delete them on Zoom as soon as a token allows. */
export const requestMeetingCleanup = defineSignal('requestMeetingCleanup');

/** A status change for the platform, with its id fixed when decided so a retry keeps it once. */
export interface StatusNotice {
  id: string;
  type: 'integration.status_changed';
  eventId: string;
  atMs: number;
  payload: {
    status: string;
    previousStatus: string | null;
    cause: string | null;
    tokenExpired: boolean;
    message: string | null;
  };
}

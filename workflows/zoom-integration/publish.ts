import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  EVENT_ID_ATTRIBUTE,
  REFUSAL_CAUSE_ATTRIBUTE,
  STATUS_ATTRIBUTE,
  TOKEN_EXPIRES_AT_ATTRIBUTE,
} from '../../common/search-attributes.js';
import { organiserHint } from '../../common/status.js';
import type { IntegrationState } from './definitions.js';
import { noteStatusChange } from './status-notices.js';

interface Published {
  eventId: string;
  status: string;
  cause: string | null;
  expiresAtMs: number | null;
}

/**
 * Publishes the status as search attributes (for the UI's list, with no worker running) and as
 * current details (the story in words). Only changed attributes are upserted, as each costs an
 * event in the history; what was last published is kept per run, by the run's own publisher.
 */
export class StatusPublisher {
  private last: Published | null = null;
  /** Set in runs that tell the platform of status changes (see the workflow's patch). */
  notices = false;

  /** `nextWorkAtMs`: when the next regeneration, retry or re-check is due (null: none planned). */
  publish(state: IntegrationState, nextWorkAtMs: number | null, statusOverride?: string): void {
    const status = statusOverride ?? state.status;
    const next: Published = {
      eventId: state.eventId,
      status,
      // Only a pending refusal has a cause to filter on: recovery, Zoom trouble, disabling and
      // disconnecting clear it (a disconnected run kept the refused state it ended in).
      cause: status === 'needs_organiser' ? (state.lastError?.cause ?? null) : null,
      expiresAtMs: state.token?.expiresAtMs ?? null,
    };
    const updates = changedAttributes(this.last, next);
    if (updates.length > 0) upsertSearchAttributes(updates);
    this.last = next;
    // Current details are not history: setting them on every publish costs nothing on replay.
    setCurrentDetails(currentDetails(state, next.status, nextWorkAtMs));
    if (this.notices) noteStatusChange(state, next.status);
  }
}

function changedAttributes(before: Published | null, next: Published): SearchAttributeUpdatePair[] {
  const updates: SearchAttributeUpdatePair[] = [];
  if (before?.eventId !== next.eventId)
    updates.push({ key: EVENT_ID_ATTRIBUTE, value: next.eventId });
  if (before?.status !== next.status) updates.push({ key: STATUS_ATTRIBUTE, value: next.status });
  if (before === null || before.cause !== next.cause) {
    updates.push({ key: REFUSAL_CAUSE_ATTRIBUTE, value: next.cause });
  }
  if (before === null || before.expiresAtMs !== next.expiresAtMs) {
    const expiresAt = next.expiresAtMs === null ? null : new Date(next.expiresAtMs);
    updates.push({ key: TOKEN_EXPIRES_AT_ATTRIBUTE, value: expiresAt });
  }

  return updates;
}

const STATUS_STORIES: Record<string, string> = {
  connecting: 'credentials saved; the first token is being minted',
  active: 'a valid token exists and its regeneration is scheduled',
  degraded: 'Zoom is unreachable or rate-limiting; Greenroom retries on its own',
  needs_organiser: 'Zoom refused the credentials; token work waits for the organiser',
  disabled: 'turned off by the organiser; no token work and no Zoom calls, state kept',
  not_connected: 'credentials and tokens erased; the integration has ended',
};

/**
 * The workflow's current details, in Temporal's markdown: the status, and for a refusal its
 * cause, the hint and checks for the organiser; then the next token work and the token's expiry.
 */
export function currentDetails(
  state: IntegrationState,
  status: string,
  nextWorkAtMs: number | null,
): string {
  const story = STATUS_STORIES[status] ?? 'unknown status';
  const paragraphs = [`**Zoom integration of event ${state.eventId}: \`${status}\`**, ${story}.`];
  paragraphs.push(...problemLines(state, status));
  const nextStep = nextStepLine(status, nextWorkAtMs);
  if (nextStep) paragraphs.push(nextStep);
  paragraphs.push(tokenLine(state));

  return paragraphs.join('\n\n');
}

function problemLines(state: IntegrationState, status: string): string[] {
  const error = state.lastError;
  if (status === 'degraded' && error) {
    return [`Last problem: ${error.message} Nothing for the organiser to do.`];
  }
  if (status !== 'needs_organiser' || !error) return [];
  const lines = [
    error.cause ? `Cause: \`${error.cause}\`. ${error.message}` : `Problem: ${error.message}`,
  ];
  if (error.cause) lines.push(`Hint for the organiser: ${organiserHint(error.cause)}`);
  if (error.missingScopes.length > 0) {
    lines.push(`Missing scopes: ${error.missingScopes.join(', ')}.`);
  }
  lines.push(
    `Checks, in order: ${error.checks.map((check, n) => `(${n + 1}) ${check}`).join(' ')}`,
  );

  return lines;
}

function nextStepLine(status: string, nextWorkAtMs: number | null): string | null {
  const at = nextWorkAtMs === null ? null : timestamp(nextWorkAtMs);
  switch (status) {
    case 'active':
      return `Next regeneration: ${at ?? 'as soon as the worker runs'}.`;
    case 'degraded':
      return `Next retry: ${at ?? 'as soon as the worker runs'}.`;
    case 'needs_organiser':
      return (
        'Next regeneration: when the organiser saves credentials or regenerates; the same ' +
        `credentials are re-checked at ${at ?? 'the next worker run'}.`
      );
    case 'disabled':
      return 'Next regeneration: none until the organiser enables the integration.';
    case 'connecting':
      return 'Next regeneration: after the first token is minted.';
    default:
      return null;
  }
}

function tokenLine(state: IntegrationState): string {
  const minted = `${state.mintCount} minted so far`;
  if (!state.token) return `Token: none; ${minted}.`;

  return `Token: expires ${timestamp(state.token.expiresAtMs)}; ${minted}.`;
}

/** ISO time to the second: the milliseconds only make the line harder to read. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

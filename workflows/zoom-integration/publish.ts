import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  EVENT_ID_ATTRIBUTE,
  REFUSAL_CAUSE_ATTRIBUTE,
  STATUS_ATTRIBUTE,
  TOKEN_EXPIRES_AT_ATTRIBUTE,
} from '../../common/search-attributes.js';
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

  publish(state: IntegrationState, statusOverride?: string): void {
    const next: Published = {
      eventId: state.eventId,
      status: statusOverride ?? state.status,
      cause: state.status === 'needs_organiser' ? (state.lastError?.cause ?? null) : null,
      expiresAtMs: state.token?.expiresAtMs ?? null,
    };
    const updates = changedAttributes(this.last, next);
    if (updates.length > 0) upsertSearchAttributes(updates);
    this.last = next;
    setCurrentDetails(describe(state, next.status));
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

function describe(state: IntegrationState, status: string): string {
  const expiry = state.token ? new Date(state.token.expiresAtMs).toISOString() : 'none';
  const next = state.nextAttemptAtMs ? new Date(state.nextAttemptAtMs).toISOString() : 'none';
  const lines = [`**Zoom integration for event ${state.eventId}: ${status}**`];
  lines.push(`Token expires at ${expiry}; ${state.mintCount} tokens minted so far.`);
  if (status === 'degraded' || status === 'needs_organiser') {
    lines.push(`Last problem: ${state.lastError?.message ?? 'unknown'}`);
    lines.push(`Next attempt at ${next}.`);
  }
  if (status === 'needs_organiser')
    lines.push(`Organiser checks: ${state.lastError?.checks.join(' ') ?? ''}`);

  return lines.join('\n\n');
}

import * as wf from '@temporalio/workflow';
import type { IntegrationStoreActivities } from '../../activities/store/integration-store.js';
import type { TokenActivities } from '../../activities/zoom/token-activities.js';
import {
  REFUSAL_RECHECK_INITIAL_MS,
  REFUSAL_RECHECK_MAX_MS,
  SECOND_MS,
  TRANSIENT_BACKOFF_INITIAL_MS,
  TRANSIENT_BACKOFF_MAX_MS,
  UPDATE_ANSWER_BUDGET_MS,
} from '../../common/durations.js';
import type {
  ActionAnswer,
  IntegrationError,
  IntegrationSettings,
  IntegrationState,
  IntegrationView,
  TokenSummary,
} from './definitions.js';
import {
  classifyMintFailure,
  disabledError,
  notConnectedError,
  tokenExpiredError,
  unavailableError,
  type MintOutcome,
} from './outcomes.js';
import { StatusPublisher } from './publish.js';
import { backoffMs, refreshAtMs } from './schedule.js';

const MINT_TIMEOUT_MS = 12 * SECOND_MS;

// A regular activity, not a local one: a local activity holds the workflow task open, and
// Updates arriving meanwhile were seen to trip the SDK into nondeterminism errors.
const { mintToken } = wf.proxyActivities<TokenActivities>({
  startToCloseTimeout: MINT_TIMEOUT_MS,
  // The workflow owns retries, so it can report `degraded` and pace itself between attempts.
  retry: { maximumAttempts: 1 },
  summary: 'Request a Zoom access token',
});

const STORE_OPTIONS: wf.ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 20, maximumInterval: '30 seconds' },
};
// One proxy per step, so each reads in plain words in the UI's timeline.
const { eraseIntegration } = wf.proxyActivities<IntegrationStoreActivities>({
  ...STORE_OPTIONS,
  summary: 'Erase the event’s Zoom credentials and tokens from the store',
});
const { discardCredentials } = wf.proxyActivities<IntegrationStoreActivities>({
  ...STORE_OPTIONS,
  summary: 'Discard the credentials Zoom did not accept',
});

/**
 * The token lifecycle of one event: it owns the state, serialises token work so one credential
 * set never has two mints in flight, and turns each mint's outcome into the next status.
 */
export class IntegrationEngine {
  ended = false;
  /** Set by handlers when they changed the schedule, so the main loop recomputes its timer. */
  rescheduled = false;
  /** True while a cleanup child deletes released meetings; continue-as-new waits for it. */
  cleanupRunning = false;
  /** Updates this run has taken; the run continues as new before Temporal's limit. */
  updatesThisRun = 0;
  private busy = false;
  private readonly publisher = new StatusPublisher();

  constructor(
    readonly state: IntegrationState,
    private readonly settings: IntegrationSettings,
  ) {}

  view(): IntegrationView {
    const { credentialsId, ...rest } = this.state;

    const connected = !this.ended && credentialsId !== null;

    return { ...rest, connected, nextTokenWorkAtMs: connected ? this.nextDueAtMs() : null };
  }

  /** Makes this run write status changes to the notifications feed (see the workflow's patch). */
  tellStatusChanges(): void {
    this.publisher.notices = true;
  }

  get tellsStatusChanges(): boolean {
    return this.publisher.notices;
  }

  /** Publishes the status for operators: search attributes and the current details. */
  publishStatus(statusOverride?: string): void {
    const nextWorkAtMs = this.ended ? null : this.nextDueAtMs();
    this.publisher.publish(this.state, nextWorkAtMs, statusOverride);
  }

  /** When the main loop should next do token work; null means only a handler can wake it. */
  nextDueAtMs(): number | null {
    const { status, token } = this.state;
    if (status === 'disabled' || status === 'connecting') return null;
    if (status === 'active') return token ? refreshAtMs(token, this.settings.refreshMarginMs) : 0;

    return this.state.nextAttemptAtMs ?? 0;
  }

  /** Why Zoom cannot be called for the event now, or null while a valid token exists. */
  zoomBlocker(): IntegrationError | null {
    const nowMs = Date.now();
    const { status, token } = this.state;
    if (this.ended) return notConnectedError(nowMs);
    if (status === 'disabled') return disabledError(nowMs);
    if (status !== 'needs_organiser' && token && token.expiresAtMs > nowMs) return null;
    // Zoom being down is not the organiser's to fix; a refused or lapsed token is.
    if (status === 'degraded') return unavailableError('unreachable', nowMs);

    return tokenExpiredError(nowMs);
  }

  /** The scheduled step: regenerate, retry or re-check, unless a handler already did it. */
  async runDueWork(): Promise<void> {
    await this.exclusively(async () => {
      const due = this.nextDueAtMs();
      if (due === null || due > Date.now() || !this.state.credentialsId) return;

      this.applyToCurrent(await attemptMint(this.state.eventId, this.state.credentialsId));
    });
  }

  async saveCredentials(candidateId: string): Promise<ActionAnswer> {
    const deadlineMs = Date.now() + UPDATE_ANSWER_BUDGET_MS;
    return this.exclusively(async () => {
      if (this.ended) return this.refuseCandidate(candidateId, notConnectedError(Date.now()));
      if (this.state.status === 'disabled') {
        return this.refuseCandidate(candidateId, disabledError(Date.now()));
      }
      const outcome = await mintBeforeDeadline(this.state.eventId, candidateId, deadlineMs);
      if (outcome.kind !== 'minted') return this.refuseCandidate(candidateId, outcome.error);

      this.state.credentialsId = candidateId;
      this.markActive(outcome.token);
      return this.ok();
    });
  }

  async regenerate(): Promise<ActionAnswer> {
    const deadlineMs = Date.now() + UPDATE_ANSWER_BUDGET_MS;
    const mintsBeforeArrival = this.state.mintCount;
    return this.exclusively(async () => {
      const blocked = this.actionBlocker();
      if (blocked) return fail(blocked);
      // Single flight: a mint that ended while this request waited for the lock is joined.
      if (this.state.status === 'active' && this.state.mintCount > mintsBeforeArrival) {
        return this.ok();
      }
      const credentialsId = this.state.credentialsId ?? '';
      const outcome = await mintBeforeDeadline(this.state.eventId, credentialsId, deadlineMs);
      this.applyToCurrent(outcome);

      return outcome.kind === 'minted' ? this.ok() : fail(outcome.error);
    });
  }

  async disable(): Promise<ActionAnswer> {
    return this.exclusively(() => {
      if (this.ended) return Promise.resolve(fail(notConnectedError(Date.now())));
      this.transition({ status: 'disabled', nextAttemptAtMs: null });
      return Promise.resolve(this.ok());
    });
  }

  async enable(): Promise<ActionAnswer> {
    const deadlineMs = Date.now() + UPDATE_ANSWER_BUDGET_MS;
    return this.exclusively(async () => {
      if (this.ended) return fail(notConnectedError(Date.now()));
      if (this.state.status !== 'disabled') return this.ok();
      const token = this.state.token;
      if (token && refreshAtMs(token, this.settings.refreshMarginMs) > Date.now()) {
        this.transition({ status: 'active' });
        return this.ok();
      }
      const credentialsId = this.state.credentialsId ?? '';
      this.applyToCurrent(await mintBeforeDeadline(this.state.eventId, credentialsId, deadlineMs));

      return this.ok();
    });
  }

  async disconnect(): Promise<ActionAnswer> {
    return this.exclusively(async () => {
      if (this.ended) return fail(notConnectedError(Date.now()));
      await eraseIntegration({ eventId: this.state.eventId });
      this.state.credentialsId = null;
      this.state.token = null;
      this.ended = true;
      this.publishStatus('not_connected');
      return this.ok();
    });
  }

  /** Why token work cannot happen on the organiser's demand, or null when it can. */
  private actionBlocker(): IntegrationError | null {
    if (this.ended) return notConnectedError(Date.now());
    return this.state.status === 'disabled' ? disabledError(Date.now()) : null;
  }

  /** Applies a mint of the credentials already in use: success, refusal or Zoom trouble. */
  private applyToCurrent(outcome: MintOutcome): void {
    if (outcome.kind === 'minted') return this.markActive(outcome.token);
    if (outcome.kind === 'refused') return this.markNeedsOrganiser(outcome.error);
    // While credentials stand refused, Zoom being down says nothing new: keep re-checking slowly.
    if (this.state.status === 'needs_organiser')
      return this.markNeedsOrganiser(this.state.lastError ?? outcome.error);

    this.markDegraded(outcome.error, outcome.retryAfterMs);
  }

  private markActive(token: TokenSummary): void {
    this.state.mintCount += 1;
    this.transition({
      status: 'active',
      token,
      lastError: null,
      transientAttempt: 0,
      recheckAttempt: 0,
      nextAttemptAtMs: null,
    });
  }

  private markNeedsOrganiser(error: IntegrationError): void {
    const attempt = this.state.status === 'needs_organiser' ? this.state.recheckAttempt + 1 : 0;
    const delayMs = backoffMs(attempt, REFUSAL_RECHECK_INITIAL_MS, REFUSAL_RECHECK_MAX_MS);
    this.transition({
      status: 'needs_organiser',
      lastError: error,
      recheckAttempt: attempt,
      nextAttemptAtMs: Date.now() + delayMs,
    });
  }

  private markDegraded(error: IntegrationError, retryAfterMs: number | null): void {
    const attempt = this.state.status === 'degraded' ? this.state.transientAttempt + 1 : 0;
    const delayMs = backoffMs(attempt, TRANSIENT_BACKOFF_INITIAL_MS, TRANSIENT_BACKOFF_MAX_MS);
    this.transition({
      status: 'degraded',
      lastError: error,
      transientAttempt: attempt,
      nextAttemptAtMs: Date.now() + Math.max(delayMs, retryAfterMs ?? 0),
    });
  }

  private transition(change: Partial<IntegrationState>): void {
    Object.assign(this.state, change);
    this.rescheduled = true;
    this.publishStatus();
  }

  /** Refused or unverifiable new credentials are dropped; a first save that fails ends it all. */
  private async refuseCandidate(
    candidateId: string,
    error: IntegrationError,
  ): Promise<ActionAnswer> {
    await discardCredentials({ credentialsId: candidateId });
    if (this.state.credentialsId === null) {
      this.ended = true;
      this.publishStatus('not_connected');
    }

    return fail(error);
  }

  private ok(): ActionAnswer {
    return { ok: true, view: this.view() };
  }

  /**
   * Runs token work one at a time. Every waiter wakes when the lock frees, so each checks it
   * again before taking it. No timer bounds the wait: the caller's RPC deadline does that.
   */
  private async exclusively<T>(work: () => Promise<T>): Promise<T> {
    while (this.busy) await wf.condition(() => !this.busy);
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }
}

function fail(error: IntegrationError): ActionAnswer {
  return { ok: false, error };
}

async function attemptMint(eventId: string, credentialsId: string): Promise<MintOutcome> {
  try {
    const requestedAtMs = Date.now();
    return { kind: 'minted', token: await mintToken({ eventId, credentialsId, requestedAtMs }) };
  } catch (failure) {
    return classifyMintFailure(failure, Date.now());
  }
}

/** An organiser is waiting: one quick retry of a transient failure if the deadline allows it. */
async function mintBeforeDeadline(
  eventId: string,
  credentialsId: string,
  deadlineMs: number,
): Promise<MintOutcome> {
  const first = await attemptMint(eventId, credentialsId);
  if (first.kind !== 'transient' || deadlineMs - Date.now() < MINT_TIMEOUT_MS + SECOND_MS) {
    return first;
  }
  await wf.sleep(SECOND_MS, { summary: 'Pause before retrying the token request once' });

  return attemptMint(eventId, credentialsId);
}

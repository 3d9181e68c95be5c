import * as wf from '@temporalio/workflow';
import {
  addHost,
  importHosts,
  removeHost,
  syncHosts,
  disableIntegration,
  disconnectIntegration,
  enableIntegration,
  getIntegrationStatus,
  regenerateToken,
  requestMeetingCleanup,
  saveCredentials,
  saveZoomSession,
  saveZoomSessions,
  type AddHostRequest,
  type SaveZoomSessionRequest,
  type SaveZoomSessionsRequest,
  type IntegrationState,
  type IntegrationView,
  type ZoomIntegrationInput,
} from './zoom-integration/definitions.js';
import { IntegrationEngine } from './zoom-integration/engine.js';
import {
  addHostThroughChild,
  importHostsThroughChild,
  removeHostThroughChild,
  syncHostsThroughChild,
} from './zoom-integration/host-actions.js';
import { KeyedLock } from './zoom-integration/keyed-lock.js';
import { flushStatusNotices, noticesWritten } from './zoom-integration/status-notices.js';
import {
  cleanUpReleasedMeetings,
  saveSessionThroughChild,
  saveSessionsThroughChildren,
} from './zoom-integration/session-actions.js';

/**
 * Temporal refuses Updates beyond 2,000 in one run; continuing as new well before that keeps a
 * busy event (a programme of sessions saved at once) from ever meeting the wall.
 */
const DEFAULT_UPDATES_BEFORE_CONTINUE_AS_NEW = 1000;

/** Marks the runs that delete released meetings; histories from before replay without it. */
const MEETING_CLEANUP_PATCH = 'meeting-cleanup';
/** Marks the runs that write status changes to the notifications feed. */
const STATUS_NOTICES_PATCH = 'status-notices';

export * from './zoom-integration/definitions.js';

/** What the Temporal UI shows as an integration's details, fixed when the API starts it. */
export const INTEGRATION_DETAILS = [
  'Keeps the event’s Zoom access token valid: mints one, sleeps until shortly before it ' +
    'expires, mints again. Pauses for the organiser when Zoom refuses the credentials, and ' +
    'retries alone when Zoom is unwell. Runs the host and session children.',
  'With no worker running, the search attributes answer: `GreenroomStatus`, ' +
    '`GreenroomRefusalCause`, `GreenroomTokenExpiresAt`, `GreenroomEventId`. While a worker ' +
    'runs, the current details tell the status, the cause, the hint for the organiser and ' +
    'the next regeneration in words.',
].join('\n\n');

/**
 * Keeps one event's Zoom token valid forever: mint, sleep until a margin before expiry, mint
 * again; pause for the organiser on refusals and back off on Zoom trouble.
 */
export async function zoomIntegrationWorkflow(
  input: ZoomIntegrationInput,
): Promise<IntegrationView> {
  const engine = new IntegrationEngine(
    input.carried ?? initialState(input.eventId),
    input.settings,
  );
  const sessionLocks = new KeyedLock();
  installHandlers(engine, sessionLocks);
  if (wf.patched(STATUS_NOTICES_PATCH)) {
    engine.tellStatusChanges();
    void flushStatusNotices(engine.state);
  }
  engine.publishStatus();
  if (wf.patched(MEETING_CLEANUP_PATCH)) {
    engine.state.cleanupPending ??= false;
    void cleanUpReleasedMeetings(engine, sessionLocks);
  }

  let cyclesThisRun = 0;
  while (!engine.ended) {
    if (
      cyclesThisRun >= input.settings.cyclesBeforeContinueAsNew ||
      engine.updatesThisRun >= updateBudget(input) ||
      wf.workflowInfo().continueAsNewSuggested
    ) {
      await continueAsNewCarrying(engine, input);
    }
    if (await waitUntilDue(engine, updateBudget(input))) {
      await engine.runDueWork();
      cyclesThisRun += 1;
      engine.state.totalCycles += 1;
    }
  }
  await wf.condition(wf.allHandlersFinished);
  if (engine.tellsStatusChanges) await noticesWritten(engine.state);

  return engine.view();
}

function updateBudget(input: ZoomIntegrationInput): number {
  return input.settings.updatesBeforeContinueAsNew ?? DEFAULT_UPDATES_BEFORE_CONTINUE_AS_NEW;
}

function initialState(eventId: string): IntegrationState {
  return {
    eventId,
    status: 'connecting',
    credentialsId: null,
    token: null,
    lastError: null,
    mintCount: 0,
    transientAttempt: 0,
    recheckAttempt: 0,
    nextAttemptAtMs: null,
    totalCycles: 0,
    runsCompleted: 0,
  };
}

function installHandlers(engine: IntegrationEngine, sessionLocks: KeyedLock): void {
  // Every Update counts towards the run's budget (see DEFAULT_UPDATES_BEFORE_CONTINUE_AS_NEW).
  const counted =
    <A extends unknown[], R>(handler: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      engine.updatesThisRun += 1;
      return handler(...args);
    };
  wf.setHandler(getIntegrationStatus, () => engine.view());
  wf.setHandler(
    saveCredentials,
    counted(({ credentialsId }: { credentialsId: string }) =>
      engine.saveCredentials(credentialsId),
    ),
    {
      validator: ({ credentialsId }) => {
        if (typeof credentialsId !== 'string' || credentialsId.length === 0) {
          throw new Error('credentialsId must be a non-empty string');
        }
      },
    },
  );
  wf.setHandler(
    regenerateToken,
    counted(() => engine.regenerate()),
  );
  wf.setHandler(
    disableIntegration,
    counted(() => engine.disable()),
  );
  wf.setHandler(
    enableIntegration,
    counted(() => engine.enable()),
  );
  wf.setHandler(
    disconnectIntegration,
    counted(() => engine.disconnect()),
  );
  wf.setHandler(
    addHost,
    counted((request: AddHostRequest) => addHostThroughChild(engine, request)),
    {
      validator: validateAddHost,
    },
  );
  wf.setHandler(
    removeHost,
    counted(({ hostId }: { hostId: string }) => removeHostThroughChild(engine, hostId)),
  );
  wf.setHandler(
    importHosts,
    counted(() => importHostsThroughChild(engine)),
  );
  wf.setHandler(
    syncHosts,
    counted(() => syncHostsThroughChild(engine)),
  );
  wf.setHandler(
    saveZoomSession,
    counted((request: SaveZoomSessionRequest) =>
      saveSessionThroughChild(engine, sessionLocks, request),
    ),
  );
  wf.setHandler(
    saveZoomSessions,
    counted((request: SaveZoomSessionsRequest) => saveSessionsThroughChildren(engine, request)),
  );
  wf.setHandler(requestMeetingCleanup, () => {
    engine.state.cleanupPending = true;
  });
}

/** Rejects malformed requests before they enter history; the API validates the same first. */
function validateAddHost(request: AddHostRequest): void {
  if (typeof request.email !== 'string' || !request.email.includes('@')) {
    throw new Error('email must be an email address');
  }
  if (!Number.isInteger(request.expectedAttendees) || request.expectedAttendees < 1) {
    throw new Error('expectedAttendees must be a positive integer');
  }
}

/** Sleeps until token work is due; answers false when a handler changed the plan first. */
async function waitUntilDue(engine: IntegrationEngine, updateBudget: number): Promise<boolean> {
  engine.rescheduled = false;
  const dueAtMs = engine.nextDueAtMs();
  // A run grown long (a batch of sessions adds hundreds of events) also hands over early.
  const interrupted = () =>
    engine.rescheduled ||
    engine.ended ||
    engine.updatesThisRun >= updateBudget ||
    wf.workflowInfo().continueAsNewSuggested;
  if (dueAtMs === null) {
    await wf.condition(interrupted);
    return false;
  }
  const waitMs = dueAtMs - Date.now();
  if (waitMs <= 0) return true;

  return !(await wf.condition(interrupted, waitMs, { summary: sleepSummary(engine) }));
}

function sleepSummary(engine: IntegrationEngine): string {
  switch (engine.state.status) {
    case 'active':
      return 'Sleep until the token is due for regeneration';
    case 'degraded':
      return 'Back off before retrying Zoom';
    default:
      return 'Wait before re-checking the refused credentials';
  }
}

/**
 * Hands the state to a fresh run once every handler has answered, so no Update is lost.
 * Limitation: the new run has no summary or details in the UI, as continue-as-new takes none in
 * this SDK; its search attributes and current details are published as in any run.
 */
async function continueAsNewCarrying(
  engine: IntegrationEngine,
  input: ZoomIntegrationInput,
): Promise<never> {
  await wf.condition(() => wf.allHandlersFinished() && !engine.cleanupRunning);
  const carried = { ...engine.state, runsCompleted: engine.state.runsCompleted + 1 };

  return wf.continueAsNew<typeof zoomIntegrationWorkflow>({ ...input, carried });
}

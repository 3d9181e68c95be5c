import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REFUSAL_CAUSE_ATTRIBUTE,
  STATUS_ATTRIBUTE,
  TOKEN_EXPIRES_AT_ATTRIBUTE,
} from '../../common/search-attributes.js';
import { organiserHint } from '../../common/status.js';
import { integrationWorkflowId } from '../../common/task-queues.js';
import { INTEGRATION_DETAILS } from '../../workflows/zoom-integration-workflow.js';
import { connectOverApi, pauseForOrganiser } from '../support/operator-scenarios.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The list filters the README documents under "The Temporal UI as the operator's console",
 * word for word; times are ISO instants. Closed runs (disconnected, or continued as new) keep
 * the attributes they ended with, hence `ExecutionStatus = "Running"`.
 */
const FILTERS = {
  needsOrganiser: 'ExecutionStatus = "Running" AND GreenroomStatus = "needs_organiser"',
  refusedAppDisabled: 'ExecutionStatus = "Running" AND GreenroomRefusalCause = "app_disabled"',
  expiringWithin: (fromIso: string, toIso: string) =>
    `ExecutionStatus = "Running" AND GreenroomTokenExpiresAt BETWEEN "${fromIso}" AND "${toIso}"`,
  expiredBefore: (nowIso: string) =>
    `ExecutionStatus = "Running" AND GreenroomTokenExpiresAt < "${nowIso}"`,
  disabled: 'ExecutionStatus = "Running" AND GreenroomStatus = "disabled"',
  oneEvent: (eventId: string) => `GreenroomEventId = "${eventId}"`,
};

const TEN_MINUTES_MS = 10 * 60_000;

let stack: Stack;

/** Each event's id, named after the state it is left in. */
const EVENTS = {
  healthy: 'console-healthy',
  appDisabled: 'console-app-disabled',
  secretRegenerated: 'console-secret-regenerated',
  recovered: 'console-recovered',
  disabled: 'console-disabled',
  disconnectedWhileRefused: 'console-disconnected',
  expiringSoon: 'console-expiring-soon',
  expiredWhileZoomDown: 'console-expired',
};

beforeAll(async () => {
  stack = await startStack({ dir: mkdtempSync(join(tmpdir(), 'greenroom-e2e-console-')) });
  await connectOverApi(stack, EVENTS.healthy);

  const appDisabled = await connectOverApi(stack, EVENTS.appDisabled);
  await pauseForOrganiser(stack, appDisabled, EVENTS.appDisabled, 'app_disabled');
  const secret = await connectOverApi(stack, EVENTS.secretRegenerated);
  await pauseForOrganiser(stack, secret, EVENTS.secretRegenerated, 'invalid_client');

  const recovered = await connectOverApi(stack, EVENTS.recovered);
  await pauseForOrganiser(stack, recovered, EVENTS.recovered, 'app_disabled');
  await stack.zoom.activate(recovered.clientId);
  await expectAnswer('POST', `/events/${EVENTS.recovered}/zoom/token/regenerate`, 'active');

  await connectOverApi(stack, EVENTS.disabled);
  await expectAnswer('POST', `/events/${EVENTS.disabled}/zoom/disable`, 'disabled');
  const gone = await connectOverApi(stack, EVENTS.disconnectedWhileRefused);
  await pauseForOrganiser(stack, gone, EVENTS.disconnectedWhileRefused, 'app_disabled');
  await expectAnswer('DELETE', `/events/${EVENTS.disconnectedWhileRefused}/zoom`, 'not_connected');

  await connectWithTokensOf(8 * 60, EVENTS.expiringSoon);
  await leaveExpiredWhileZoomIsDown(EVENTS.expiredWhileZoomDown);
});

afterAll(async () => {
  await stack?.stop();
});

async function expectAnswer(method: string, path: string, status: string) {
  expect(await stack.api(method, path)).toMatchObject({ status: 200, body: { status } });
}

/** Zoom's token lifetime is the emulator's setting; the others keep their one-hour tokens. */
async function connectWithTokensOf(ttlSeconds: number, eventId: string) {
  await stack.zoom.settings({ tokenTtlSeconds: ttlSeconds });
  try {
    return await connectOverApi(stack, eventId);
  } finally {
    await stack.zoom.settings({ tokenTtlSeconds: 3600 });
  }
}

/** A two-second token whose regeneration Zoom answers with 503s: degraded, token expired. */
async function leaveExpiredWhileZoomIsDown(eventId: string) {
  const app = await connectWithTokensOf(2, eventId);
  await stack.zoom.injectFault({
    kind: 'status',
    status: 503,
    count: 1000,
    clientId: app.clientId,
  });
  const handle = stack.client.workflow.getHandle(integrationWorkflowId(eventId));
  for (;;) {
    const attributes = (await handle.describe()).typedSearchAttributes;
    const expiresAt = attributes.get(TOKEN_EXPIRES_AT_ATTRIBUTE);
    const expired = expiresAt !== undefined && expiresAt.getTime() < Date.now();
    if (attributes.get(STATUS_ATTRIBUTE) === 'degraded' && expired) return;
    await delay(200);
  }
}

/** The ids of the workflows the filter lists, sorted. */
async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of stack.client.workflow.list({ query })) {
    ids.push(execution.workflowId);
  }

  return ids.sort();
}

const idsOf = (...eventIds: string[]) => eventIds.map(integrationWorkflowId).sort();

async function listedAttributes(workflowId: string) {
  const query = `WorkflowId = "${workflowId}"`;
  for await (const execution of stack.client.workflow.list({ query })) {
    return execution.typedSearchAttributes;
  }

  return undefined;
}

/**
 * Visibility (what the list reads) trails the workflow's own state by a moment; once the worker
 * is stopped that state is final, so wait until the list shows it for every event.
 */
async function waitForVisibility() {
  for (const eventId of Object.values(EVENTS)) {
    const id = integrationWorkflowId(eventId);
    const final = (await stack.client.workflow.getHandle(id).describe()).typedSearchAttributes;
    for (;;) {
      const shown = await listedAttributes(id);
      const same = [STATUS_ATTRIBUTE, REFUSAL_CAUSE_ATTRIBUTE, TOKEN_EXPIRES_AT_ATTRIBUTE].every(
        (key) => String(shown?.get(key)) === String(final.get(key)),
      );
      if (same) break;
      await delay(200);
    }
  }
}

describe('the Temporal UI as the operator’s console', () => {
  describe('while a worker runs', () => {
    it('tells the story of a refused integration in its current details', async () => {
      const handle = stack.client.workflow.getHandle(integrationWorkflowId(EVENTS.appDisabled));
      const metadata = await handle.query(workflowMetadataQuery);

      expect(metadata.currentDetails).toContain('`needs_organiser`');
      expect(metadata.currentDetails).toContain('Cause: `app_disabled`.');
      expect(metadata.currentDetails).toContain(organiserHint('app_disabled'));
      expect(metadata.currentDetails).toContain('Next regeneration: when the organiser');
    });

    it('names the next regeneration of a healthy integration', async () => {
      const handle = stack.client.workflow.getHandle(integrationWorkflowId(EVENTS.healthy));
      const metadata = await handle.query(workflowMetadataQuery);

      expect(metadata.currentDetails).toMatch(/`active`.*\n\nNext regeneration: \d{4}-\d\d-\d\dT/s);
    });

    it('carries a summary and the details on the start of every integration', async () => {
      const description = await stack.client.workflow
        .getHandle(integrationWorkflowId(EVENTS.healthy))
        .describe();

      expect(await description.staticSummary()).toBe(
        `Zoom token lifecycle of event ${EVENTS.healthy}`,
      );
      expect(await description.staticDetails()).toBe(INTEGRATION_DETAILS);
    });
  });

  describe('with the worker stopped', () => {
    beforeAll(async () => {
      await stack.stop('worker');
      await waitForVisibility();
    });

    it('lists the integrations that need an organiser, each with its cause', async () => {
      expect(await listed(FILTERS.needsOrganiser)).toEqual(
        idsOf(EVENTS.appDisabled, EVENTS.secretRegenerated),
      );
      const causes = new Map<string, string | undefined>();
      for await (const execution of stack.client.workflow.list({ query: FILTERS.needsOrganiser })) {
        causes.set(
          execution.workflowId,
          execution.typedSearchAttributes.get(REFUSAL_CAUSE_ATTRIBUTE),
        );
      }
      expect(Object.fromEntries(causes)).toEqual({
        [integrationWorkflowId(EVENTS.appDisabled)]: 'app_disabled',
        [integrationWorkflowId(EVENTS.secretRegenerated)]: 'invalid_client',
      });
    });

    it('lists one cause alone, and no recovered or disconnected integration under it', async () => {
      expect(await listed(FILTERS.refusedAppDisabled)).toEqual(idsOf(EVENTS.appDisabled));
      // Even counting closed runs, only pending refusals carry a cause.
      expect(await listed('GreenroomRefusalCause IS NOT NULL')).toEqual(
        idsOf(EVENTS.appDisabled, EVENTS.secretRegenerated),
      );
    });

    it('lists the tokens that expire in the next ten minutes', async () => {
      const nowMs = Date.now();
      const from = new Date(nowMs).toISOString();
      const to = new Date(nowMs + TEN_MINUTES_MS).toISOString();

      expect(await listed(FILTERS.expiringWithin(from, to))).toEqual(idsOf(EVENTS.expiringSoon));
    });

    it('lists the tokens already expired', async () => {
      const now = new Date().toISOString();

      expect(await listed(FILTERS.expiredBefore(now))).toEqual(idsOf(EVENTS.expiredWhileZoomDown));
    });

    it('lists the disabled integrations', async () => {
      expect(await listed(FILTERS.disabled)).toEqual(idsOf(EVENTS.disabled));
    });

    it('finds one event by its id', async () => {
      expect(await listed(FILTERS.oneEvent(EVENTS.recovered))).toEqual(idsOf(EVENTS.recovered));
    });

    it('keeps a disconnected integration out of every running list', async () => {
      expect(await listed('GreenroomStatus = "not_connected"')).toEqual(
        idsOf(EVENTS.disconnectedWhileRefused),
      );
      expect(await listed('ExecutionStatus = "Running" AND GreenroomStatus = "active"')).toEqual(
        idsOf(EVENTS.healthy, EVENTS.recovered, EVENTS.expiringSoon),
      );
    });
  });
});

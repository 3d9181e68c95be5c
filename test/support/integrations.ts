import type { Client } from '@temporalio/client';
import { INTEGRATION_TASK_QUEUE, integrationWorkflowId } from '../../common/task-queues.js';
import type { IntegrationStore } from '../../store/types.js';
import {
  getIntegrationStatus,
  saveCredentials,
  zoomIntegrationWorkflow,
  type ActionAnswer,
  type IntegrationSettings,
  type IntegrationView,
} from '../../workflows/zoom-integration-workflow.js';
import type { ZoomApp } from './zoom-control.js';

/**
 * Connects an event the way the API does, in two steps: the time-skipping server has no
 * update-with-start, which the end-to-end suite covers on the dev server.
 */
export async function connectEvent(
  client: Client,
  store: IntegrationStore,
  eventId: string,
  app: ZoomApp,
  settings: IntegrationSettings,
): Promise<ActionAnswer> {
  const handle = await client.workflow.start(zoomIntegrationWorkflow, {
    workflowId: integrationWorkflowId(eventId),
    taskQueue: INTEGRATION_TASK_QUEUE,
    args: [{ eventId, settings }],
  });
  return handle.executeUpdate(saveCredentials, {
    args: [{ credentialsId: await storeCredentials(store, eventId, app) }],
  });
}

export async function saveNewCredentials(
  client: Client,
  store: IntegrationStore,
  eventId: string,
  app: ZoomApp,
): Promise<ActionAnswer> {
  const credentialsId = await storeCredentials(store, eventId, app);
  return client.workflow
    .getHandle(integrationWorkflowId(eventId))
    .executeUpdate(saveCredentials, { args: [{ credentialsId }] });
}

function storeCredentials(store: IntegrationStore, eventId: string, app: ZoomApp) {
  return store.saveCandidateCredentials({
    eventId,
    accountId: app.accountId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
}

export function statusOf(client: Client, eventId: string): Promise<IntegrationView> {
  return client.workflow.getHandle(integrationWorkflowId(eventId)).query(getIntegrationStatus);
}

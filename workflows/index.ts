// The worker bundles this file: every workflow type Greenroom runs is exported here.
export { addHostWorkflow } from './add-host-workflow.js';
export { importHostsWorkflow } from './import-hosts-workflow.js';
export { meetingCleanupWorkflow } from './meeting-cleanup-workflow.js';
export { removeHostWorkflow } from './remove-host-workflow.js';
export { sessionBatchSyncWorkflow } from './session-batch-sync-workflow.js';
export { sessionSyncWorkflow } from './session-sync-workflow.js';
export { syncHostsWorkflow } from './sync-hosts-workflow.js';
export { zoomIntegrationWorkflow } from './zoom-integration-workflow.js';
export { webhookDeliveryWorkflow } from './webhook-delivery-workflow.js';

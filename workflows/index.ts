// The worker bundles this file: every workflow type Greenroom runs is exported here.
export { zoomIntegrationWorkflow } from './zoom-integration-workflow.js';

import type { Client } from '@temporalio/client';
import { STATUS_ATTRIBUTE, TOKEN_EXPIRES_AT_ATTRIBUTE } from '../common/search-attributes.js';
import { INTEGRATION_STATUSES, type IntegrationStatus } from '../common/status.js';
import { zoomIntegrationWorkflow } from '../workflows/zoom-integration-workflow.js';
import type { IntegrationCounts } from './metrics.js';

const INTEGRATION_TYPE = `WorkflowType = "${zoomIntegrationWorkflow.name}"`;
const RUNNING_INTEGRATIONS = `${INTEGRATION_TYPE} AND ExecutionStatus = "Running"`;

const COUNT_DEADLINE_MS = 3_000;

/**
 * Counts running integrations by the status they publish, from Temporal's visibility: the same
 * answer for every API process, with no worker needed. One count query per status, because SQL
 * visibility groups by execution status only.
 * Limitation: visibility trails the workflows by a moment, so a status changed within the last
 * second or so may still be counted under the old one.
 */
export async function countIntegrations(client: Client, nowMs: number): Promise<IntegrationCounts> {
  // Within Prometheus's default scrape timeout (10 s): a hung Temporal leaves these gauges out.
  const deadline = nowMs + COUNT_DEADLINE_MS;
  const count = async (filter: string) =>
    (
      await client.withDeadline(deadline, () =>
        client.workflow.count(`${RUNNING_INTEGRATIONS} AND ${filter}`),
      )
    ).count;
  const expiredFilter =
    `${STATUS_ATTRIBUTE.name} IN ("active", "degraded") AND ` +
    `${TOKEN_EXPIRES_AT_ATTRIBUTE.name} < "${new Date(nowMs).toISOString()}"`;
  const [tokenExpired, ...perStatus] = await Promise.all([
    count(expiredFilter),
    ...INTEGRATION_STATUSES.map((status) => count(`${STATUS_ATTRIBUTE.name} = "${status}"`)),
  ]);
  const byStatus = Object.fromEntries(
    INTEGRATION_STATUSES.map((status, index) => [status, perStatus[index] ?? 0]),
  ) as Record<IntegrationStatus, number>;

  return { byStatus, tokenExpired: tokenExpired ?? 0 };
}

/** Task queues and workflow ids, built in one place so no literal is repeated elsewhere. */

export const INTEGRATION_TASK_QUEUE = 'greenroom-integrations';

/** The integration workflow of an event; one per event, so the id is derived from the event id. */
/** The delivery workflow of one webhook subscription. */
export function webhookDeliveryWorkflowId(subscriptionId: string): string {
  return `webhook-delivery:${subscriptionId}`;
}

export function integrationWorkflowId(eventId: string): string {
  return `zoom-integration:${eventId}`;
}

import { log } from '@temporalio/activity';
import type { IntegrationStore, NewNotification, NotificationStore } from '../../store/types.js';

/** Builds the activities through which workflows change the store without touching secrets. */
export function createIntegrationStoreActivities(deps: {
  store: IntegrationStore & NotificationStore;
}) {
  return {
    /** Drops credentials Zoom refused, so a rejected secret is not kept around. */
    async discardCredentials(input: { credentialsId: string }): Promise<void> {
      await deps.store.discardCredentials(input.credentialsId);
    },

    /** Erases every credential and token of the event; safe to repeat. */
    async eraseIntegration(input: { eventId: string }): Promise<void> {
      await deps.store.eraseEvent(input.eventId);
      log.info('integration erased', { eventId: input.eventId });
    },

    /** Appends the integration's status changes to the feed; a retried id is kept once. */
    async recordNotifications(input: { notifications: NewNotification[] }): Promise<void> {
      await deps.store.recordNotifications(input.notifications);
    },
  };
}

export type IntegrationStoreActivities = ReturnType<typeof createIntegrationStoreActivities>;

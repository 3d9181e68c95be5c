import { createIntegrationStoreActivities } from '../activities/store/integration-store.js';
import { createTokenActivities } from '../activities/zoom/token-activities.js';
import { createZoomTokenClient } from '../activities/zoom/token-client.js';
import { ZOOM_HTTP_TIMEOUT_MS } from '../common/durations.js';
import type { IntegrationStore } from '../store/types.js';

export interface ActivityWiring {
  store: IntegrationStore;
  zoomOauthUrl: string;
  /** Replaceable so tests can keep the emulator's clock in step with the workflow's. */
  fetch?: typeof fetch;
}

/** Every activity the worker registers, built from its dependencies. */
export function buildActivities(wiring: ActivityWiring) {
  const requestToken = createZoomTokenClient({
    oauthUrl: wiring.zoomOauthUrl,
    timeoutMs: ZOOM_HTTP_TIMEOUT_MS,
    fetch: wiring.fetch,
  });

  return {
    ...createTokenActivities({ store: wiring.store, requestToken }),
    ...createIntegrationStoreActivities({ store: wiring.store }),
  };
}

import { createIntegrationStoreActivities } from '../activities/store/integration-store.js';
import { createWebhookDeliveryActivities } from '../activities/webhooks/delivery-activities.js';
import { createZoomRequester } from '../activities/zoom/api-client.js';
import { createHostActivities } from '../activities/zoom/host-activities.js';
import { createHostScanActivities } from '../activities/zoom/host-scan-activities.js';
import { meteredFetch } from '../activities/zoom/metered-fetch.js';
import { createZoomPacer } from '../activities/zoom/pacing.js';
import { createSessionActivities } from '../activities/zoom/session-activities.js';
import type { ZoomPlan } from '../common/zoom-rate-limits.js';
import { createTokenActivities } from '../activities/zoom/token-activities.js';
import { createZoomTokenClient } from '../activities/zoom/token-client.js';
import { ZOOM_HTTP_TIMEOUT_MS } from '../common/durations.js';
import { NO_METRICS, type GreenroomMetrics } from '../common/metrics.js';
import type { GreenroomStore } from '../store/types.js';

export interface ActivityWiring {
  store: GreenroomStore;
  zoomOauthUrl: string;
  zoomApiUrl: string;
  zoomPlan?: ZoomPlan;
  /** Replaceable so tests can keep the emulator's clock in step with the workflow's. */
  fetch?: typeof fetch;
  /** Where token mints, Zoom calls and pacing waits are counted; nowhere when omitted. */
  metrics?: GreenroomMetrics;
  /** Replaceable so tests can shorten the receivers' timeout; the global fetch otherwise. */
  webhookFetch?: typeof fetch;
}

/** Every activity the worker registers, built from its dependencies. */
export function buildActivities(wiring: ActivityWiring) {
  const metrics = wiring.metrics ?? NO_METRICS;
  const zoomFetch = meteredFetch(wiring.fetch ?? fetch, metrics, wiring.zoomApiUrl);
  const requestToken = createZoomTokenClient({
    oauthUrl: wiring.zoomOauthUrl,
    timeoutMs: ZOOM_HTTP_TIMEOUT_MS,
    fetch: zoomFetch,
  });

  const zoomRequest = createZoomRequester({
    apiUrl: wiring.zoomApiUrl,
    timeoutMs: ZOOM_HTTP_TIMEOUT_MS,
    fetch: zoomFetch,
  });
  const zoomGet = (path: string, accessToken: string) => zoomRequest('GET', path, accessToken);

  const pace = createZoomPacer(wiring.store, wiring.zoomPlan ?? 'pro', metrics);
  const hostDeps = { store: wiring.store, zoomGet, pace };

  return {
    ...createTokenActivities({ store: wiring.store, requestToken, metrics }),
    ...createHostActivities(hostDeps),
    ...createHostScanActivities(hostDeps),
    ...createSessionActivities({ store: wiring.store, zoomRequest, pace }),
    ...createIntegrationStoreActivities({ store: wiring.store }),
    ...createWebhookDeliveryActivities({ store: wiring.store, fetch: wiring.webhookFetch }),
  };
}

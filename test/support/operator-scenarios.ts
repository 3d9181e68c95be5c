import { expect } from 'vitest';
import type { Stack } from './stack.js';
import type { ZoomApp } from './zoom-control.js';

/** Connects an event through the API with a new Zoom app, and checks it answered active. */
export async function connectOverApi(stack: Stack, eventId: string): Promise<ZoomApp> {
  const app = await stack.zoom.createConnectableApp();
  const { accountId, clientId, clientSecret } = app;
  const saved = await stack.api('PUT', `/events/${eventId}/zoom/credentials`, {
    accountId,
    clientId,
    clientSecret,
  });
  expect(saved).toMatchObject({ status: 200, body: { status: 'active' } });

  return app;
}

/** How Zoom is made to refuse a connected event's credentials, as an organiser would see it. */
export type Refusal = 'app_disabled' | 'invalid_client';

/**
 * Makes Zoom refuse the event's credentials (the app deactivated, or its secret regenerated)
 * and asks for a regeneration, so the integration pauses for the organiser at once.
 */
export async function pauseForOrganiser(stack: Stack, app: ZoomApp, eventId: string, why: Refusal) {
  if (why === 'app_disabled') await stack.zoom.deactivate(app.clientId);
  else await stack.zoom.regenerateSecret(app.clientId);
  const refused = await stack.api<{ error?: { details?: { cause?: string } } }>(
    'POST',
    `/events/${eventId}/zoom/token/regenerate`,
  );
  expect(refused.status).toBe(422);
  expect(refused.body.error?.details?.cause).toBe(why);
}

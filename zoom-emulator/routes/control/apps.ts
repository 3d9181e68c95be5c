import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { revokeAppTokens, type EmulatorContext } from '../../context.js';
import { notFound, parseWith } from '../../errors.js';
import { randomId } from '../../ids.js';
import { publicApp, type App } from '../../model.js';

const appParams = z.object({ clientId: z.string().min(1) });
const scopesBody = z.strictObject({ scopes: z.array(z.string().min(1)) });

/** Lifecycle of one app: what an organiser can do to it in Zoom's Marketplace. */
export function appRoutes(context: EmulatorContext) {
  const { state } = context;
  const appOr404 = (params: unknown): App => {
    const { clientId } = parseWith(appParams, params);
    const app = state.apps.get(clientId);
    if (!app) throw notFound('app', clientId);

    return app;
  };
  const update = (params: unknown, patch: Partial<App>) =>
    publicApp(state.putApp({ ...appOr404(params), ...patch }));

  return function registerApps(app: FastifyInstance): void {
    app.post('/apps/:clientId/activate', (request) => update(request.params, { activated: true }));

    app.post('/apps/:clientId/deactivate', (request) => {
      const updated = update(request.params, { activated: false });
      revokeAppTokens(context, updated.clientId);
      return updated;
    });

    // Tokens already minted stay valid: Zoom only stops accepting the old secret.
    app.post('/apps/:clientId/regenerate-secret', (request) => {
      const clientSecret = randomId(24);
      update(request.params, { clientSecret });
      return { clientSecret };
    });

    app.put('/apps/:clientId/scopes', (request) => {
      const { scopes } = parseWith(scopesBody, request.body);
      return update(request.params, { scopes });
    });

    app.delete('/apps/:clientId', (request, reply) => {
      const { clientId } = appOr404(request.params);
      revokeAppTokens(context, clientId);
      state.deleteApp(clientId);
      return reply.code(204).send();
    });

    app.get('/apps/:clientId/tokens', (request) => {
      const { clientId } = parseWith(appParams, request.params);
      const entries = context.ledger.entries(clientId);
      // A deleted app's history stays readable; an id never seen at all is a mistake.
      if (entries.length === 0 && !state.apps.has(clientId)) throw notFound('app', clientId);
      return entries;
    });
  };
}

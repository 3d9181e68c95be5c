import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { IntegrationStore, SessionStore } from '../../store/types.js';
import type { ActionAnswer } from '../../workflows/zoom-integration-workflow.js';
import { fromView, refusedAction, renderIntegration } from '../integration-answer.js';
import type { IntegrationAction, IntegrationGateway } from '../integration-gateway.js';
import {
  credentialsBody,
  emptyBody,
  errorAnswer as errorSchema,
  eventParams,
  integrationAnswer,
  type IntegrationAnswer,
} from '../schemas.js';

export interface ZoomRouteDependencies {
  store: IntegrationStore & Pick<SessionStore, 'listMeetingDeletions'>;
  gateway: IntegrationGateway;
  now: () => number;
}

const errors = { 400: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema };

/** The routes through which an organiser connects, inspects and controls an event's Zoom. */
export function zoomIntegrationRoutes(deps: ZoomRouteDependencies): FastifyPluginAsyncZod {
  return async (app) => {
    app.put('/events/:eventId/zoom/credentials', {
      schema: {
        summary: 'Save Zoom credentials, validated by minting a token at once',
        tags: ['zoom'],
        params: eventParams,
        body: credentialsBody,
        response: { 200: integrationAnswer, ...errors },
      },
      handler: async (request) => {
        const { eventId } = request.params;
        const answer = await saveThroughWorkflow(deps, eventId, request.body);
        return answerOrThrow(deps, eventId, answer);
      },
    });

    app.get('/events/:eventId/zoom', {
      schema: {
        summary: 'Read the status of the Zoom integration of an event',
        tags: ['zoom'],
        params: eventParams,
        response: { 200: integrationAnswer, ...errors },
      },
      handler: async (request) => {
        const { eventId } = request.params;
        const [reading, connection] = await Promise.all([
          deps.gateway.read(eventId),
          deps.store.readConnection(eventId),
        ]);
        return renderIntegration(eventId, reading, connection, deps.now());
      },
    });

    registerAction(app, deps, 'post', '/events/:eventId/zoom/token/regenerate', 'regenerate');
    registerAction(app, deps, 'post', '/events/:eventId/zoom/disable', 'disable');
    registerAction(app, deps, 'post', '/events/:eventId/zoom/enable', 'enable');
    registerAction(app, deps, 'delete', '/events/:eventId/zoom', 'disconnect');
    await Promise.resolve();
  };
}

const ACTION_SUMMARIES: Record<IntegrationAction, string> = {
  regenerate: 'Regenerate the Zoom access token now',
  disable: 'Disable the integration: no token work and no Zoom calls; state is kept',
  enable: 'Enable the integration again',
  disconnect: 'Disconnect Zoom: erase credentials and tokens and end the integration',
};

function registerAction(
  app: Parameters<FastifyPluginAsyncZod>[0],
  deps: ZoomRouteDependencies,
  method: 'post' | 'delete',
  url: string,
  action: IntegrationAction,
): void {
  app.route({
    method: method === 'post' ? 'POST' : 'DELETE',
    url,
    schema: {
      summary: ACTION_SUMMARIES[action],
      tags: ['zoom'],
      params: eventParams,
      ...(method === 'post' ? { body: emptyBody } : {}),
      response: { 200: integrationAnswer, ...errors },
    },
    handler: async (request) => {
      const { eventId } = request.params;
      const answer = await deps.gateway.act(eventId, action);
      return answerOrThrow(deps, eventId, answer);
    },
  });
}

/**
 * Seals the credentials as a candidate and asks the workflow to validate them. If the workflow
 * cannot be asked, the candidate is dropped: a late Update then finds no credentials and is
 * refused, which leaves the integration as it was.
 */
async function saveThroughWorkflow(
  deps: ZoomRouteDependencies,
  eventId: string,
  credentials: { accountId: string; clientId: string; clientSecret: string },
): Promise<ActionAnswer> {
  const credentialsId = await deps.store.saveCandidateCredentials({ eventId, ...credentials });
  let answer: ActionAnswer;
  try {
    answer = await deps.gateway.saveCredentials(eventId, credentialsId);
  } catch (error) {
    await deps.store.discardCredentials(credentialsId);
    throw error;
  }
  if (answer.ok) await nudgeInheritedDeletions(deps, eventId);

  return answer;
}

/**
 * Meetings released while the event had no integration (disconnected) are deleted on Zoom once
 * it is connected again; the new workflow hears of them here, not by a check on every start.
 */
async function nudgeInheritedDeletions(deps: ZoomRouteDependencies, eventId: string) {
  const pending = await deps.store.listMeetingDeletions(eventId, 1);
  if (pending.length > 0) await deps.gateway.requestMeetingCleanup(eventId).catch(() => undefined);
}

async function answerOrThrow(
  deps: ZoomRouteDependencies,
  eventId: string,
  answer: ActionAnswer,
): Promise<IntegrationAnswer> {
  if (!answer.ok) {
    throw refusedAction(answer.error);
  }
  const connection = await deps.store.readConnection(eventId);

  return fromView(eventId, answer.view, connection, deps.now());
}

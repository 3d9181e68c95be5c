import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createClock } from './clock.js';
import type { EmulatorContext } from './context.js';
import { FaultQueue } from './faults.js';
import { TokenLedger } from './ledger.js';
import { PageTokenStore } from './page-tokens.js';
import { createSaver, loadSnapshot } from './persistence.js';
import { RateLimiter } from './rate-limits.js';
import { apiRoutes } from './routes/api.js';
import { controlRoutes } from './routes/control.js';
import { oauthRoutes } from './routes/oauth.js';
import { defaultSettings } from './settings.js';
import { EmulatorState } from './state.js';
import { emptyStats } from './stats.js';

export interface ZoomEmulatorOptions {
  /** Lifetime of minted tokens; 3600 like Zoom. */
  tokenTtlSeconds?: number;
  /** JSON file the state survives restarts in; without it the emulator forgets on close. */
  statePath?: string;
  /** What token answers give as `api_url`. */
  publicApiUrl?: string;
  logger?: boolean;
  /** The wall clock under the emulator's clock; tests may freeze it. */
  wallNow?: () => number;
}

export interface ZoomEmulator {
  app: FastifyInstance;
  context: EmulatorContext;
  /** Writes the state file now; resolves at once when there is none. */
  saveNow(): Promise<void>;
}

/** Builds the fake Zoom: OAuth token endpoint, /v2 API and the /_control API for tests. */
export async function buildZoomEmulator(
  options: ZoomEmulatorOptions = {},
): Promise<FastifyInstance> {
  return (await createZoomEmulator(options)).app;
}

/** Like buildZoomEmulator, but also hands back the internals the server entry needs. */
export async function createZoomEmulator(options: ZoomEmulatorOptions = {}): Promise<ZoomEmulator> {
  const context = createContext(options);
  const app = Fastify({ logger: options.logger ? loggerOptions : false });
  const saveNow = await attachPersistence(app, context, options.statePath);

  await app.register(oauthRoutes(context));
  await app.register(apiRoutes(context), { prefix: '/v2' });
  await app.register(controlRoutes(context), { prefix: '/_control' });
  return { app, context, saveNow };
}

function createContext(options: ZoomEmulatorOptions): EmulatorContext {
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  return {
    clock: createClock(options.wallNow),
    state: new EmulatorState(),
    ledger: new TokenLedger(),
    faults: new FaultQueue(),
    pageTokens: new PageTokenStore(),
    rateLimiter: new RateLimiter(),
    publicApiUrl: options.publicApiUrl ?? 'http://127.0.0.1:9099',
    defaultTokenTtlSeconds: tokenTtlSeconds,
    settings: defaultSettings(tokenTtlSeconds),
    stats: emptyStats(),
  };
}

/** Loads the saved state, then saves after changes (debounced) and once more on close. */
async function attachPersistence(
  app: FastifyInstance,
  context: EmulatorContext,
  statePath: string | undefined,
): Promise<() => Promise<void>> {
  if (!statePath) return () => Promise.resolve();

  const snapshot = await loadSnapshot(statePath);
  if (snapshot) restore(context, snapshot);
  const saver = createSaver(
    statePath,
    () => context.state.snapshot(context.clock.now()),
    (error) => app.log.error({ err: error }, 'state save failed'),
  );
  context.state.onChange = () => saver.schedule();
  app.addHook('onClose', () => saver.flush());
  return () => saver.flush();
}

function restore(context: EmulatorContext, snapshot: Parameters<EmulatorState['restore']>[0]) {
  context.state.restore(snapshot);
  // The ledger is memory only; seeding it with the surviving tokens keeps their history visible.
  for (const token of snapshot.tokens) {
    context.ledger.record(token.clientId, token.accountId, token.issuedAtMs, token.expiresAtMs);
  }
}

/**
 * Info-level logs that never carry bodies or credentials: requests are reduced to method and
 * path, because a query string could hold a token someone tried to pass there.
 */
const loggerOptions: FastifyServerOptions['logger'] = {
  level: 'info',
  redact: ['req.headers.authorization', 'req.headers.cookie'],
  serializers: {
    req: (request: { method: string; url: string }) => ({
      method: request.method,
      path: request.url.split('?')[0],
    }),
  },
};

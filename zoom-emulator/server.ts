import { createZoomEmulator } from './app.js';
import { EmulatorEnvError, loadEmulatorEnv, type EmulatorEnv } from './config.js';
import { ensureDemoCredentials } from './demo.js';

/** Entry point: `npx tsx zoom-emulator/server.ts`. Builds, seeds, listens, shuts down cleanly. */
async function main(env: EmulatorEnv): Promise<void> {
  const host = env.ZOOM_EMULATOR_HOST;
  const port = env.ZOOM_EMULATOR_PORT;
  const emulator = await createZoomEmulator({
    tokenTtlSeconds: env.ZOOM_EMULATOR_TOKEN_TTL_SECONDS,
    statePath: env.ZOOM_EMULATOR_STATE,
    publicApiUrl: `http://${host}:${port}`,
    logger: true,
  });
  const { app } = emulator;
  if (!env.ZOOM_EMULATOR_STATE) app.log.warn('no state file set: everything is lost on exit');

  if (env.ZOOM_EMULATOR_DEMO_CREDENTIALS) {
    const path = env.ZOOM_EMULATOR_DEMO_CREDENTIALS;
    const { outcome, credentials } = await ensureDemoCredentials(emulator.context.state, path);
    // Saving at once keeps the file's secret and the state's in step even after a crash.
    await emulator.saveNow();
    const { accountId, clientId } = credentials;
    app.log.info({ outcome, accountId, clientId, path }, 'demo credentials ready');
  }

  closeOnSignals(() => app.close());
  await app.listen({ host, port });
}

function closeOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal while flushing must not start a second close.
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`zoom emulator failed to close after ${signal}`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

try {
  await main(loadEmulatorEnv(process.env));
} catch (error) {
  // An environment problem is the operator's to fix; anything else deserves its stack.
  console.error(error instanceof EmulatorEnvError ? error.message : error);
  process.exit(1);
}

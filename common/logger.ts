import pino, { type Logger } from 'pino';

/** Paths pino blanks out wherever they appear, as a last guard; code never logs secrets. */
export const REDACTED_PATHS = [
  'clientSecret',
  '*.clientSecret',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  // An activity's task token completes the activity for whoever holds it.
  'taskToken',
  '*.taskToken',
  'apiKey',
  '*.apiKey',
  'TEMPORAL_API_KEY',
  '*.TEMPORAL_API_KEY',
  // Webhook signing secrets, as answered once by the webhook routes.
  'secret',
  '*.secret',
];

/** A JSON logger; pretty output only when writing to a terminal. */
export function createLogger(name: string, level: string): Logger {
  const pretty = process.stdout.isTTY && level !== 'silent';

  return pino({
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}

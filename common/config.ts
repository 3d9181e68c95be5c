import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const seconds = z.coerce.number().int().positive();

/** The whole environment Greenroom reads, parsed once at start; every problem is listed at once. */
export const configSchema = z.object({
  GREENROOM_DATA_DIR: z.string().min(1).default('data'),
  GREENROOM_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (44 characters)')
    .optional(),
  /** Keys that sealed data before a rotation, comma-separated; they open but never seal. */
  GREENROOM_PREVIOUS_ENCRYPTION_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/,
      'must be 32-byte keys in base64, separated by commas',
    )
    .optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(8080),
  ZOOM_OAUTH_URL: z.url().default('https://zoom.us/oauth/token'),
  ZOOM_API_URL: z.url().default('https://api.zoom.us/v2'),
  TOKEN_REFRESH_MARGIN_SECONDS: seconds.default(300),
  CYCLES_BEFORE_CONTINUE_AS_NEW: seconds.default(200),
  /** The Zoom plan whose per-second limits Greenroom paces its calls by. */
  ZOOM_ACCOUNT_PLAN: z.enum(['free', 'pro', 'business']).default('pro'),
  /** Requests each API key may make per minute before answers turn to 429. */
  API_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** How long webhook delivery waits between looks at the feed when nothing is pending. */
  WEBHOOK_POLL_SECONDS: seconds.default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Thrown at start when the environment is unusable; lists every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once and freezes the result. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }

  return Object.freeze(parsed.data);
}

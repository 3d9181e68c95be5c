import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const seconds = z.coerce.number().int().positive();
/** An optional setting where an empty value counts as unset, as compose files pass them. */
const optionalText = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().min(1).optional(),
);

/**
 * A PostgreSQL connection URL with a host and a database. The message never repeats the value:
 * it may hold a password.
 */
const databaseUrl = z
  .string()
  .refine(
    isPostgresUrl,
    'must be a URL such as postgres://user:password@host:5432/database (the value is not shown)',
  );

function isPostgresUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));

  return (
    ['postgres:', 'postgresql:'].includes(url.protocol) && url.hostname !== '' && database !== ''
  );
}

const settingsSchema = z.object({
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
  /** The PostgreSQL store; unset, the store is the SQLite file in the data folder. */
  GREENROOM_DATABASE_URL: databaseUrl.optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** `true` connects to Temporal over TLS, trusting the system's roots unless a CA is given. */
  TEMPORAL_TLS: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .transform((value) => value === 'true'),
  /** Path of the CA certificate that signed the Temporal server's certificate (PEM). */
  TEMPORAL_TLS_CA: optionalText,
  /** Paths of the client certificate and its key for mutual TLS (PEM); both or neither. */
  TEMPORAL_TLS_CERT: optionalText,
  TEMPORAL_TLS_KEY: optionalText,
  /** The name the server's certificate is checked against, when it differs from the address. */
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  /** A Temporal Cloud API key; implies TLS. Never logged. */
  TEMPORAL_API_KEY: optionalText,
  /** Seconds a stopping worker or API lets in-flight work finish before giving up on it. */
  SHUTDOWN_GRACE_SECONDS: seconds.default(30),
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
  /**
   * Where the worker serves Prometheus metrics (Temporal's and Greenroom's) as host:port, or
   * `off`. Loopback by default: the endpoint has no authentication of its own.
   */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^(off|[^\s:]+:\d{1,5})$/, 'must be host:port (such as 127.0.0.1:9464) or off')
    .default('127.0.0.1:9464'),
  /** How long webhook delivery waits between looks at the feed when nothing is pending. */
  WEBHOOK_POLL_SECONDS: seconds.default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The whole environment Greenroom reads, parsed once at start; every problem is listed at once. */
export const configSchema = settingsSchema.superRefine((config, context) => {
  // A certificate without its key (or the reverse) cannot authenticate: refuse it at start.
  if (Boolean(config.TEMPORAL_TLS_CERT) === Boolean(config.TEMPORAL_TLS_KEY)) return;
  context.addIssue({
    code: 'custom',
    path: [config.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'],
    message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mutual TLS)',
  });
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

import { z } from 'zod';

// An empty variable means "not set", as it does for most shell-configured tools.
const optionalPath = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().optional(),
);

/** The emulator's whole environment, parsed once at start; every problem is listed at once. */
export const emulatorEnvSchema = z.object({
  ZOOM_EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  ZOOM_EMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(9099),
  ZOOM_EMULATOR_STATE: optionalPath,
  ZOOM_EMULATOR_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  ZOOM_EMULATOR_DEMO_CREDENTIALS: optionalPath,
});

export type EmulatorEnv = Readonly<z.infer<typeof emulatorEnvSchema>>;

/** Thrown at start when the environment is unusable; lists every offending variable. */
export class EmulatorEnvError extends Error {
  override name = 'EmulatorEnvError';
  constructor(readonly problems: string[]) {
    super(`invalid zoom emulator environment:\n  ${problems.join('\n  ')}`);
  }
}

export function loadEmulatorEnv(env: Record<string, string | undefined>): EmulatorEnv {
  const parsed = emulatorEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new EmulatorEnvError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }

  return Object.freeze(parsed.data);
}

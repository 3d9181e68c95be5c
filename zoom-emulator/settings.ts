import { z } from 'zod';

/** Knobs that let tests reproduce the variants of Zoom's answers seen in the wild. */
export const settingsSchema = z.strictObject({
  tokenTtlSeconds: z.number().int().min(1).max(86_400),
  // Zoom has been seen to announce 3599 for a token that lives 3600 seconds.
  expiresInOffsetSeconds: z.number().int().min(-3600).max(3600),
  invalidClientStatus: z.union([z.literal(400), z.literal(401)]),
  disabledAppStatus: z.union([z.literal(400), z.literal(401)]),
  // Benchmarks that measure Greenroom's own throughput switch Zoom's per-second limits off.
  rateLimits: z.boolean(),
});

export type Settings = z.infer<typeof settingsSchema>;

export function defaultSettings(tokenTtlSeconds: number): Settings {
  return {
    tokenTtlSeconds,
    expiresInOffsetSeconds: 0,
    invalidClientStatus: 400,
    disabledAppStatus: 400,
    rateLimits: true,
  };
}

/** The expires_in a token answer announces; never below one second so clients accept it. */
export function announcedExpiresIn(settings: Settings): number {
  return Math.max(1, settings.tokenTtlSeconds + settings.expiresInOffsetSeconds);
}

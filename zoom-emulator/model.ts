import { z } from 'zod';

/** Shapes of the fake Zoom's records; the persisted snapshot is checked against them on load. */
export const planSchema = z.enum(['free', 'pro', 'business']);
export const appTypeSchema = z.enum(['s2s', 'oauth']);
export const userTypeSchema = z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(99)]);
export const userStatusSchema = z.enum(['active', 'inactive', 'pending']);

export const accountSchema = z.object({
  id: z.string().min(1),
  plan: planSchema,
  s2sEnabled: z.boolean(),
});

export const appSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  accountId: z.string().min(1),
  type: appTypeSchema,
  scopes: z.array(z.string()),
  activated: z.boolean(),
});

const capacitySchema = z.number().int().min(0).max(1_000_000);

/** The user settings Greenroom reads to decide who can host what. */
export const userSettingsSchema = z.object({
  meetingCapacity: capacitySchema,
  largeMeeting: z.boolean(),
  largeMeetingCapacity: capacitySchema,
  webinar: z.boolean(),
  webinarCapacity: capacitySchema,
});

export const userSchema = z.object({
  id: z.string().min(1),
  accountId: z.string().min(1),
  email: z.string().min(1),
  firstName: z.string(),
  lastName: z.string(),
  type: userTypeSchema,
  status: userStatusSchema,
  settings: userSettingsSchema,
});

// State files written before users had settings still load; their users get the defaults.
const storedUserSchema = userSchema
  .extend({ settings: userSettingsSchema.optional() })
  .transform((user) => ({ ...user, settings: user.settings ?? defaultUserSettings(user.type) }));

export const accessTokenSchema = z.object({
  value: z.string().min(1),
  clientId: z.string().min(1),
  accountId: z.string().min(1),
  scopes: z.array(z.string()),
  issuedAtMs: z.number(),
  expiresAtMs: z.number(),
});

export const meetingKindSchema = z.enum(['meeting', 'webinar']);

/**
 * A scheduled meeting or a webinar; both share one id space, as Zoom's do. Times are epoch
 * milliseconds on the emulator clock; the start link is not stored because Zoom mints a fresh
 * one on every read.
 */
export const meetingSchema = z.object({
  kind: meetingKindSchema,
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  uuid: z.string().min(1),
  accountId: z.string().min(1),
  hostId: z.string().min(1),
  topic: z.string(),
  startTimeMs: z.number().int(),
  durationMinutes: z.number().int().positive(),
  timezone: z.string().min(1),
  agenda: z.string(),
  password: z.string(),
  /** The encrypted passcode a join link carries, fixed for the meeting's life. */
  joinSecret: z.string().min(1),
  settings: z.record(z.string(), z.unknown()),
  createdAtMs: z.number().int(),
});

/** Creates and updates one host made on one UTC day (`yyyy-MM-dd`), for the daily limit. */
export const hostWritesSchema = z.object({
  hostId: z.string().min(1),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  count: z.number().int().min(0),
});

// Meetings and daily counts default to none, so state files written before them still load.
export const snapshotSchema = z.object({
  version: z.literal(1),
  accounts: z.array(accountSchema),
  apps: z.array(appSchema),
  users: z.array(storedUserSchema),
  tokens: z.array(accessTokenSchema),
  meetings: z.array(meetingSchema).default([]),
  hostWrites: z.array(hostWritesSchema).default([]),
});

export type Plan = z.infer<typeof planSchema>;
export type Account = z.infer<typeof accountSchema>;
export type App = z.infer<typeof appSchema>;
export type UserType = z.infer<typeof userTypeSchema>;
export type UserSettings = z.infer<typeof userSettingsSchema>;
export type User = z.infer<typeof userSchema>;
export type AccessToken = z.infer<typeof accessTokenSchema>;
export type MeetingKind = z.infer<typeof meetingKindSchema>;
export type Meeting = z.infer<typeof meetingSchema>;
export type HostWrites = z.infer<typeof hostWritesSchema>;
export type Snapshot = z.infer<typeof snapshotSchema>;

/** What the control API shows of an app: everything but the secret. */
export function publicApp(app: App): Omit<App, 'clientSecret'> {
  const { clientId, accountId, type, scopes, activated } = app;
  return { clientId, accountId, type, scopes, activated };
}

/** What a new user gets: a licence raises the meeting capacity, add-ons start switched off. */
export function defaultUserSettings(type: UserType): UserSettings {
  return {
    meetingCapacity: type === 2 ? 300 : 100,
    largeMeeting: false,
    largeMeetingCapacity: 0,
    webinar: false,
    webinarCapacity: 0,
  };
}

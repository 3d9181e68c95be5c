import { z } from 'zod';
import { organiserTimeZone } from '../common/zoned-time.js';
import { eventParams } from './schemas.js';

const sessionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,80}$/, 'must be 1 to 80 letters, digits, dashes or underscores');

export const sessionParams = eventParams.extend({ sessionId }).strict();

/** How a session streams; a Zoom host may be left out only while the event has none. */
export const streamSetting = z.discriminatedUnion('source', [
  z.object({ source: z.literal('off') }).strict(),
  z
    .object({
      source: z.literal('zoom'),
      kind: z.enum(['meeting', 'webinar']),
      hostId: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a Zoom user id')
        .optional(),
    })
    .strict(),
]);
export type StreamRequest = z.infer<typeof streamSetting>;

/** A session as the organiser plans it: local start time in an IANA zone, length, audience. */
export const sessionBody = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'title is required')
      // Zoom keeps topics up to 200 characters.
      .max(200)
      // Control, format (bidi overrides, zero-width) and line-separator characters would let a
      // title read differently on Zoom than here.
      .regex(
        /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u,
        'title must not contain control or format characters',
      ),
    startTime: z
      .string()
      .regex(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/,
        'startTime must be a local time such as 2027-03-01T09:30, without an offset',
      ),
    timeZone: z
      .string()
      .max(64)
      .transform((name, context) => {
        const zone = organiserTimeZone(name);
        if (zone) return zone;
        context.addIssue({
          code: 'custom',
          message: 'timeZone must be an IANA time zone such as Europe/Berlin',
        });
        return z.NEVER;
      }),
    durationMinutes: z.number().int().min(1).max(1440),
    expectedAttendees: z.number().int().min(1).max(1_000_000),
    stream: streamSetting.default({ source: 'off' }),
    /** The revision read before editing; a save over a newer one is refused. */
    revision: z.number().int().min(1).optional(),
  })
  .strict();
export type SessionBody = z.infer<typeof sessionBody>;

/** Up to 200 new sessions in one request: a programme saved at once. */
export const sessionBatchBody = z
  .object({
    sessions: z
      .array(sessionBody.omit({ revision: true }))
      .min(1)
      .max(200),
  })
  .strict();
export type SessionBatchBody = z.infer<typeof sessionBatchBody>;

export const streamBody = z
  .object({ stream: streamSetting, revision: z.number().int().min(1).optional() })
  .strict();

export const sessionAnswer = z.object({
  id: z.string(),
  eventId: z.string(),
  title: z.string(),
  startTime: z.string(),
  timeZone: z.string(),
  startUtc: z.string(),
  durationMinutes: z.number().int(),
  expectedAttendees: z.number().int(),
  stream: z.union([
    z.object({ source: z.literal('off') }),
    z.object({
      source: z.literal('zoom'),
      kind: z.enum(['meeting', 'webinar']),
      hostId: z.string().nullable(),
    }),
  ]),
  zoom: z
    .object({
      kind: z.enum(['meeting', 'webinar']),
      meetingId: z.string(),
      hostId: z.string(),
      joinUrl: z.string(),
    })
    .nullable(),
  revision: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Something the organiser should act on although the save succeeded. */
export const notice = z.object({ code: z.enum(['zoom_hosts_needed']), message: z.string() });

export const savedSessionAnswer = z.object({
  session: sessionAnswer,
  notices: z.array(notice),
});

const itemError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** One result per session of a batch, in the order sent; the batch itself always answers 200. */
export const sessionBatchAnswer = z.object({
  results: z.array(
    z.union([
      z.object({ index: z.number().int(), ok: z.literal(true), ...savedSessionAnswer.shape }),
      z.object({ index: z.number().int(), ok: z.literal(false), error: itemError }),
    ]),
  ),
});

export const startUrlAnswer = z.object({ startUrl: z.string(), expiresAt: z.string() });

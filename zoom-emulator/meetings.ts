import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { randomId } from './ids.js';
import type { Meeting, MeetingKind, User } from './model.js';
import type { EmulatorState } from './state.js';
import { canonicalTimeZone, parseZoomStartTime, zoomDateTime } from './zoom-time.js';

/** Zoom's numeric type of each kind; the emulator schedules nothing else (no recurrences). */
export const TYPE_OF_KIND: Readonly<Record<MeetingKind, 2 | 5>> = { meeting: 2, webinar: 5 };

const DEFAULT_TOPIC: Readonly<Record<MeetingKind, string>> = {
  meeting: 'Zoom Meeting',
  webinar: 'Zoom Webinar',
};
const DEFAULT_DURATION_MINUTES = 60;
// Users carry no time zone of their own here; get user answers UTC for everyone too.
const HOST_TIME_ZONE = 'UTC';

// A reserved domain, so no link the emulator hands out can ever reach a real host.
const WEB_BASE_URL = 'https://zoom.example';
const JOIN_PATH: Readonly<Record<MeetingKind, string>> = { meeting: 'j', webinar: 'w' };

// Meeting ids of 10 or 11 digits, as Zoom's are, and far below 2^53 so JSON keeps them exact.
const MIN_ID = 1_000_000_000;
const MAX_ID_EXCLUSIVE = 100_000_000_000;
const PASSCODE_LENGTH = 8;
// Without look-alike characters (0, O, 1, l, I), as a passcode may be read out to attendees.
const PASSCODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/**
 * Strict about start_time, milliseconds and offsets included: a lenient reading would hide a
 * client's formatting bug until the event starts at the wrong time.
 */
const writableFields = {
  topic: z.string().max(200).optional(),
  start_time: z
    .string()
    .refine((text) => parseZoomStartTime(text, 'UTC') !== undefined)
    .optional(),
  duration: z.number().int().positive().optional(),
  timezone: z
    .string()
    .transform((name, context) => canonicalTimeZone(name) ?? invalid(context))
    .optional(),
  agenda: z.string().max(2000).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
};

function invalid(context: z.RefinementCtx): never {
  context.addIssue({ code: 'custom', message: 'Invalid field.' });
  return z.NEVER;
}

/**
 * A create body. Limitation: a type, when given, must be the kind's own (2 or 5); instant and
 * recurring meetings are refused as invalid because Greenroom schedules neither.
 */
function createBodyOf(kind: MeetingKind) {
  return z.object({ ...writableFields, type: z.literal(TYPE_OF_KIND[kind]).optional() });
}

/** An update body takes the same fields; `schedule_for` is read only to refuse it. */
function updateBodyOf(kind: MeetingKind) {
  return createBodyOf(kind).extend({ schedule_for: z.string().optional() });
}

/** Bodies by kind; like Zoom, they ignore fields they do not know. */
export const createBodies = { meeting: createBodyOf('meeting'), webinar: createBodyOf('webinar') };
export const updateBodies = { meeting: updateBodyOf('meeting'), webinar: updateBodyOf('webinar') };

export type CreateBody = z.infer<ReturnType<typeof createBodyOf>>;
export type UpdateBody = z.infer<ReturnType<typeof updateBodyOf>>;

/** A new meeting or webinar under host, with a fresh id, uuid, passcode and join secret. */
export function newMeeting(
  state: EmulatorState,
  kind: MeetingKind,
  host: User,
  body: CreateBody,
  nowMs: number,
): Meeting {
  const timezone = body.timezone ?? HOST_TIME_ZONE;
  return {
    kind,
    id: freshMeetingId(state),
    uuid: randomBytes(16).toString('base64'),
    accountId: host.accountId,
    hostId: host.id,
    topic: body.topic ?? DEFAULT_TOPIC[kind],
    // Zoom schedules a meeting without a start time for now; whole seconds, as it shows them.
    startTimeMs: startTimeOf(body.start_time, timezone) ?? Math.floor(nowMs / 1000) * 1000,
    durationMinutes: body.duration ?? DEFAULT_DURATION_MINUTES,
    timezone,
    agenda: body.agenda ?? '',
    password: randomPasscode(),
    joinSecret: randomId(24),
    settings: body.settings ?? {},
    createdAtMs: nowMs,
  };
}

/**
 * The meeting after an update. A start time without `Z` is read in the zone the same body names,
 * else in the meeting's own; naming only a new zone keeps the instant and relabels it. Settings
 * merge key by key, as Zoom's update changes only the settings it is given.
 */
export function updatedMeeting(meeting: Meeting, body: UpdateBody): Meeting {
  const timezone = body.timezone ?? meeting.timezone;
  return {
    ...meeting,
    topic: body.topic ?? meeting.topic,
    startTimeMs: startTimeOf(body.start_time, timezone) ?? meeting.startTimeMs,
    durationMinutes: body.duration ?? meeting.durationMinutes,
    timezone,
    agenda: body.agenda ?? meeting.agenda,
    settings: { ...meeting.settings, ...body.settings },
  };
}

function startTimeOf(text: string | undefined, timezone: string): number | undefined {
  return text === undefined ? undefined : parseZoomStartTime(text, timezone);
}

/** A meeting as Zoom's create and get spell it, with a start link minted for this answer. */
export function zoomMeeting(meeting: Meeting, hostEmail: string) {
  return {
    ...listedMeeting(meeting),
    host_email: hostEmail,
    status: 'waiting',
    start_url: `${WEB_BASE_URL}/s/${meeting.id}?zak=${randomId(32)}`,
    password: meeting.password,
    settings: meeting.settings,
  };
}

/** A meeting as Zoom's listings spell it: no start link and no passcode. */
export function listedMeeting(meeting: Meeting) {
  return {
    uuid: meeting.uuid,
    id: meeting.id,
    host_id: meeting.hostId,
    topic: meeting.topic,
    type: TYPE_OF_KIND[meeting.kind],
    start_time: zoomDateTime(meeting.startTimeMs),
    duration: meeting.durationMinutes,
    timezone: meeting.timezone,
    agenda: meeting.agenda,
    created_at: zoomDateTime(meeting.createdAtMs),
    join_url: `${WEB_BASE_URL}/${JOIN_PATH[meeting.kind]}/${meeting.id}?pwd=${meeting.joinSecret}`,
  };
}

function freshMeetingId(state: EmulatorState): number {
  for (;;) {
    const id = randomInt(MIN_ID, MAX_ID_EXCLUSIVE);
    if (!state.findMeeting(String(id))) return id;
  }
}

function randomPasscode(): string {
  let passcode = '';
  while (passcode.length < PASSCODE_LENGTH) {
    passcode += PASSCODE_ALPHABET[randomInt(PASSCODE_ALPHABET.length)];
  }
  return passcode;
}

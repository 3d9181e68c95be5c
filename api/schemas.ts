import { z } from 'zod';
import { ERROR_CODES } from '../common/error-codes.js';
import { INTEGRATION_STATUSES, NOT_CONNECTED, REFUSAL_CAUSES } from '../common/status.js';

/** An event id as the platform sends it: short, printable, safe inside a workflow id. */
export const eventParams = z
  .object({
    eventId: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
        'must be 1 to 128 letters, digits, dots, dashes or underscores',
      ),
  })
  .strict();

const zoomIdentifier = (label: string) =>
  z
    .string()
    .min(1, `${label} is required`)
    .max(128)
    .regex(/^[A-Za-z0-9_.-]+$/, `${label} may hold letters, digits, dot, dash and underscore`);

/** Credentials of a Zoom Server-to-Server OAuth app, as the organiser copies them from Zoom. */
export const credentialsBody = z
  .object({
    accountId: zoomIdentifier('accountId'),
    clientId: zoomIdentifier('clientId'),
    clientSecret: z
      .string()
      .min(1, 'clientSecret is required')
      .max(256)
      .regex(/^\S+$/, 'clientSecret must not contain spaces'),
  })
  .strict();

// Actions take no body; an empty JSON object is accepted for clients that always send one.
export const emptyBody = z.object({}).strict().nullish();

const lastErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  cause: z.enum(REFUSAL_CAUSES).nullable(),
  checks: z.array(z.string()),
  missingScopes: z.array(z.string()),
  retryable: z.boolean(),
  /** Null when only the search attributes could be read, which do not keep the time. */
  at: z.string().nullable(),
});

/** The status of an event's Zoom integration, as organisers and the platform read it. */
export const integrationAnswer = z.object({
  eventId: z.string(),
  status: z.enum([...INTEGRATION_STATUSES, NOT_CONNECTED]),
  accountId: z.string().nullable(),
  clientId: z.string().nullable(),
  token: z
    .object({
      preview: z.string().nullable(),
      mintedAt: z.string().nullable(),
      expiresAt: z.string(),
      expired: z.boolean(),
    })
    .nullable(),
  nextAttemptAt: z.string().nullable(),
  lastError: lastErrorSchema.nullable(),
  tokensMinted: z.number().int(),
  source: z.enum(['workflow', 'search_attributes', 'none']),
});
export type IntegrationAnswer = z.infer<typeof integrationAnswer>;

export const errorAnswer = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

const name = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .max(100)
    .regex(/^[^\p{Cc}]*$/u, `${label} must not contain control characters`);

/** A person of an event. */
export const personBody = z
  .object({
    firstName: name('firstName'),
    lastName: name('lastName'),
    email: z.email('email must be an email address').max(254),
  })
  .strict();

export const personAnswer = z.object({
  id: z.string(),
  eventId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  createdAt: z.string(),
});

export const personParams = eventParams.extend({ personId: z.string().min(1).max(100) }).strict();

/** A Zoom host to add: a licensed user of the event's Zoom account. */
export const addHostBody = personBody
  .extend({ expectedAttendees: z.number().int().min(1).max(1_000_000) })
  .strict();

export const hostParams = eventParams
  .extend({ hostId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a Zoom user id') })
  .strict();

export const hostAnswer = z.object({
  hostId: z.string(),
  eventId: z.string(),
  personId: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  zoomState: z.enum(['licensed', 'unlicensed', 'deactivated', 'deleted']),
  expectedAttendees: z.number().int(),
  capacity: z.number().int(),
  webinarCapacity: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(100).optional(),
  })
  .strict();

/** What an import did: hosts added, updated or unchanged, users skipped and why. */
export const importAnswer = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.object({ unlicensed: z.number().int(), inactive: z.number().int() }),
  pages: z.number().int(),
  restarts: z.number().int(),
});

/** What a sync did: hosts checked and updated, and those no longer usable with their sessions. */
export const syncAnswer = z.object({
  checked: z.number().int(),
  updated: z.number().int(),
  changed: z.array(
    z.object({
      hostId: z.string(),
      zoomState: z.enum(['licensed', 'unlicensed', 'deactivated', 'deleted']),
      sessions: z.array(z.object({ id: z.string(), title: z.string() })),
    }),
  ),
});

/** `?after=<cursor>&limit=` of the feeds read oldest first (audit trail, notifications). */
export const cursorQuery = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

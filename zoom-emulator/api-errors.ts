import type { z } from 'zod';
import type { FieldProblem } from './errors.js';
import type { MeetingKind } from './model.js';

/** Thrown by /v2 routes; the API error handler answers it in Zoom's `{code, message}` shape. */
export class ZoomApiError extends Error {
  override name = 'ZoomApiError';

  constructor(
    readonly statusCode: number,
    readonly code: number,
    message: string,
    readonly errors?: FieldProblem[],
    /** Extra answer headers, such as a daily limit's Retry-After. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }

  toBody() {
    const { code, message, errors } = this;
    return errors ? { code, message, errors } : { code, message };
  }
}

const NOUNS: Readonly<Record<MeetingKind, string>> = { meeting: 'Meeting', webinar: 'Webinar' };

/** Zoom's answers for the situations the emulated API reproduces, by name. */
export const zoomErrors = {
  validationFailed: (errors: FieldProblem[]) =>
    new ZoomApiError(400, 300, 'Validation Failed.', errors),
  // Zoom answers a stale token with the validation code; clients must restart the scan.
  pageTokenInvalid: () => new ZoomApiError(400, 300, 'The next page token is invalid or expired.'),
  userNotFound: (userId: string) => new ZoomApiError(404, 1001, `User does not exist: ${userId}.`),
  invitationMissing: () =>
    new ZoomApiError(
      400,
      1120,
      'A valid invitation to join the Zoom account was not found for this user.',
    ),
  notInAccount: (accountId: string) =>
    new ZoomApiError(400, 1010, `User does not belong to this account: ${accountId}.`),
  meetingNotFound: (kind: MeetingKind, id: string) =>
    new ZoomApiError(404, 3001, `${NOUNS[kind]} does not exist: ${id}.`),
  cannotScheduleFor: (kind: MeetingKind, user: string) =>
    new ZoomApiError(400, 3000, `You cannot schedule a ${kind} for ${user}`),
  cannotHost: () =>
    new ZoomApiError(
      400,
      3161,
      'Meeting hosting and scheduling capabilities are not allowed for your user account.',
    ),
  webinarPlanMissing: () =>
    new ZoomApiError(
      400,
      200,
      'Webinar plan is missing. You must subscribe to the webinar plan and enable webinar for ' +
        'this user in order to perform this action.',
    ),
};

/**
 * Parses a request part with schema, or throws Zoom's validation failure naming each bad field
 * once. Zoom's per-field message is terse and the same whatever the problem.
 */
export function parseZoomInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;

  const fields = [...new Set(result.error.issues.map(fieldOf))];
  throw zoomErrors.validationFailed(fields.map((field) => ({ field, message: 'Invalid field.' })));
}

function fieldOf(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? issue.path.join('.') : 'body';
}

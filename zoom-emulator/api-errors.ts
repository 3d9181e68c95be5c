import type { FieldProblem } from './errors.js';

/** Thrown by /v2 routes; the API error handler answers it in Zoom's `{code, message}` shape. */
export class ZoomApiError extends Error {
  override name = 'ZoomApiError';

  constructor(
    readonly statusCode: number,
    readonly code: number,
    message: string,
    readonly errors?: FieldProblem[],
  ) {
    super(message);
  }

  toBody() {
    const { code, message, errors } = this;
    return errors ? { code, message, errors } : { code, message };
  }
}

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
};

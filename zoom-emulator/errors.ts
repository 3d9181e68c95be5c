import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

export type ControlErrorCode = 'validation_failed' | 'not_found' | 'already_exists';

const STATUS_BY_CODE: Record<ControlErrorCode, number> = {
  validation_failed: 400,
  not_found: 404,
  already_exists: 409,
};

export interface FieldProblem {
  field: string;
  message: string;
}

/** Thrown by control routes; the control error handler turns it into `{ error: {...} }`. */
export class ControlError extends Error {
  override name = 'ControlError';
  readonly statusCode: number;

  constructor(
    readonly code: ControlErrorCode,
    message: string,
    readonly details?: FieldProblem[],
  ) {
    super(message);
    this.statusCode = STATUS_BY_CODE[code];
  }

  toBody() {
    const { code, message, details } = this;
    return { error: details ? { code, message, details } : { code, message } };
  }
}

export function notFound(kind: string, id: string): ControlError {
  return new ControlError('not_found', `${kind} ${id} does not exist`);
}

/** Parses a request part with schema, or throws a validation error naming each bad field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;

  const details = result.error.issues.map((issue) => ({
    field: fieldOf(issue),
    message: issue.message,
  }));
  const summary = details.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
  throw new ControlError('validation_failed', summary, details);
}

function fieldOf(issue: Issue): string {
  // Unknown keys sit on the parent object, so the issue's path alone would not name them.
  if (issue.code === 'unrecognized_keys') return [...issue.path, ...issue.keys].join('.');
  return issue.path.length > 0 ? issue.path.join('.') : '(body)';
}

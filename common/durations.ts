/** Durations shared by workflows, activities and the API; units are in the names. */

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;

/** Transient Zoom failures are retried from seconds growing to minutes. */
export const TRANSIENT_BACKOFF_INITIAL_MS = 2 * SECOND_MS;
export const TRANSIENT_BACKOFF_MAX_MS = 5 * MINUTE_MS;

/** Refused credentials are re-checked slowly, from minutes growing to hours. */
export const REFUSAL_RECHECK_INITIAL_MS = 5 * MINUTE_MS;
export const REFUSAL_RECHECK_MAX_MS = 4 * HOUR_MS;

/** How long one Zoom HTTP call may take before it counts as Zoom being unreachable. */
export const ZOOM_HTTP_TIMEOUT_MS = 10 * SECOND_MS;

/** How long a webhook receiver may take to answer one delivery before it counts as failed. */
export const WEBHOOK_HTTP_TIMEOUT_MS = 10 * SECOND_MS;

/** How long an organiser's Update may hold its caller before answering. */
export const UPDATE_ANSWER_BUDGET_MS = 20 * SECOND_MS;

/**
 * How long Temporal keeps a closed workflow's history (the namespace's retention), so a failed
 * child can still be downloaded and replayed for a week; the start script, the test stack and
 * docker-compose.yml set it.
 */
export const CLOSED_WORKFLOW_RETENTION_HOURS = 7 * 24;

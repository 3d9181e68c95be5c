/** Zoom's per-second limits per account, by plan and call category (Zoom's published table). */
export const ZOOM_RATE_LIMITS = {
  free: { light: 4, medium: 2, heavy: 1 },
  pro: { light: 30, medium: 20, heavy: 10 },
  business: { light: 80, medium: 60, heavy: 40 },
} as const;

export type ZoomPlan = keyof typeof ZOOM_RATE_LIMITS;
export type ZoomCallCategory = keyof (typeof ZOOM_RATE_LIMITS)['pro'];

/** Zoom lets each host user have 100 meeting or webinar creates and updates per UTC day. */
export const ZOOM_HOST_DAILY_WRITES = 100;

import { localTimeToUtcMs, zoneFormatter } from '../common/zoned-time.js';

/** Zoom's `yyyy-MM-ddTHH:mm:ss`, with a trailing `Z` for UTC or without one for a local time. */
const ZOOM_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z?)$/;

// Region names only: Intl would also take offsets such as "+02:00", which Zoom's zone list lacks.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** A UTC instant as Zoom writes it: seconds, no milliseconds, a trailing `Z`. */
export function zoomDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The UTC day of an instant, `yyyy-MM-dd`, which Zoom's daily limits count by. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The zone's own spelling of a region name given in any case; undefined for an unknown zone. */
export function canonicalTimeZone(name: string): string | undefined {
  if (!ZONE_NAME.test(name)) return undefined;

  return zoneFormatter(name)?.resolvedOptions().timeZone;
}

/**
 * The instant a Zoom start_time names: with `Z` it is UTC, without it a wall-clock time in
 * timeZone. Undefined when the text is not in Zoom's format or names no real calendar time.
 */
export function parseZoomStartTime(text: string, timeZone: string): number | undefined {
  const match = ZOOM_DATE_TIME.exec(text);
  if (!match) return undefined;

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls "February 30th" or "24:00" over silently; Zoom would refuse them.
  if (zoomDateTime(wallMs) !== `${text.slice(0, 19)}Z`) return undefined;

  return match[7] === 'Z' ? wallMs : (localTimeToUtcMs(text, timeZone) ?? undefined);
}

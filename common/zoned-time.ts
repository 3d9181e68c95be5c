/**
 * Wall-clock times of a place, turned into instants. Sessions are planned in the event's local
 * time; Zoom is sent UTC so that no time zone database of Zoom's can disagree with ours.
 */

const DAY_MS = 86_400_000;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter showing the zone's wall clock, kept per zone (building one is slow). */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat | undefined {
  const known = formatters.get(timeZone);
  if (known) return known;
  try {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
    return formatter;
  } catch {
    return undefined;
  }
}

/**
 * A zone name as organisers should write it: an IANA `Area/Location` (or `UTC`) this runtime
 * knows, returned in its own spelling when only the case differs (`europe/berlin`); null for a
 * legacy abbreviation such as `EST`, which names another zone than most readers think.
 */
export function organiserTimeZone(name: string): string | null {
  if (!/^[A-Za-z]+(\/[A-Za-z0-9_+-]+)+$/.test(name) && name.toUpperCase() !== 'UTC') return null;
  const resolved = zoneFormatter(name)?.resolvedOptions().timeZone;
  if (!resolved) return null;

  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** True when `timeZone` is an IANA name this runtime knows, such as `Europe/Berlin`. */
export function isKnownTimeZone(timeZone: string): boolean {
  return zoneFormatter(timeZone) !== undefined;
}

/**
 * The instant a local wall-clock time (`2027-03-01T09:30`, seconds optional) names in a time
 * zone, or null when the text is no such time. A time that occurs twice (clocks going back) is
 * the first occurrence; a time skipped by clocks going forward is read with the offset in force
 * before the change, so it lands just after the gap, as most calendars do.
 */
export function localTimeToUtcMs(localTime: string, timeZone: string): number | null {
  const parts = LOCAL_TIME.exec(localTime);
  if (!parts || !isKnownTimeZone(timeZone)) return null;
  const [year, month, day, hour, minute, second] = parts.slice(1).map((p) => Number(p ?? 0));
  const asIfUtc = Date.UTC(year!, month! - 1, day, hour, minute, second);
  if (!sameWallClock(asIfUtc, { year, month, day, hour, minute })) return null;

  // Offsets a day either side: at most one change lies between them.
  const before = asIfUtc - offsetMs(asIfUtc - DAY_MS, timeZone);
  const after = asIfUtc - offsetMs(asIfUtc + DAY_MS, timeZone);
  const names = (instant: number) => offsetMs(instant, timeZone) === asIfUtc - instant;
  const valid = [before, after].filter(names);

  return valid.length > 0 ? Math.min(...valid) : before;
}

/** Zoom's UTC form: `yyyy-MM-ddTHH:mm:ssZ`, no milliseconds. */
export function toZoomUtc(instantMs: number): string {
  return new Date(instantMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** How far the zone's wall clock is ahead of UTC at an instant. */
function offsetMs(instantMs: number, timeZone: string): number {
  const fields = zoneFormatter(timeZone)?.formatToParts(new Date(instantMs)) ?? [];
  const get = (type: string) => Number(fields.find((f) => f.type === type)?.value ?? 0);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );

  return wall - (instantMs - (instantMs % 1000));
}

/** Rejects dates that Date.UTC silently rolls over, such as February 30th or 24:00. */
function sameWallClock(
  asIfUtcMs: number,
  wanted: { year?: number; month?: number; day?: number; hour?: number; minute?: number },
): boolean {
  const date = new Date(asIfUtcMs);
  return (
    date.getUTCFullYear() === wanted.year &&
    date.getUTCMonth() + 1 === wanted.month &&
    date.getUTCDate() === wanted.day &&
    date.getUTCHours() === wanted.hour &&
    date.getUTCMinutes() === wanted.minute
  );
}

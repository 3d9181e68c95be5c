import { describe, expect, it } from 'vitest';
import {
  isKnownTimeZone,
  localTimeToUtcMs,
  organiserTimeZone,
  toZoomUtc,
} from '../../common/zoned-time.js';

const utc = (local: string, zone: string) => {
  const instant = localTimeToUtcMs(local, zone);
  return instant === null ? null : toZoomUtc(instant);
};

describe('local session times turned into UTC for Zoom', () => {
  it('applies winter and summer offsets of the zone', () => {
    expect(utc('2027-03-01T09:30', 'Europe/Berlin')).toBe('2027-03-01T08:30:00Z');
    expect(utc('2027-07-01T09:30:15', 'Europe/Berlin')).toBe('2027-07-01T07:30:15Z');
    expect(utc('2027-01-01T00:00', 'Asia/Kolkata')).toBe('2026-12-31T18:30:00Z');
    expect(utc('2027-06-01T12:00', 'UTC')).toBe('2027-06-01T12:00:00Z');
  });

  it('moves a time skipped by clocks going forward to just after the gap', () => {
    expect(utc('2027-03-28T02:30', 'Europe/Berlin')).toBe('2027-03-28T01:30:00Z');
    expect(utc('2027-03-14T02:30', 'America/New_York')).toBe('2027-03-14T07:30:00Z');
  });

  it('reads a time that occurs twice as its first occurrence', () => {
    expect(utc('2027-10-31T02:30', 'Europe/Berlin')).toBe('2027-10-31T00:30:00Z');
  });

  it('refuses dates that do not exist and zones nobody knows', () => {
    expect(utc('2027-02-30T09:30', 'UTC')).toBeNull();
    expect(utc('2027-01-01T24:00', 'UTC')).toBeNull();
    expect(utc('2027-01-01 09:30', 'UTC')).toBeNull();
    expect(utc('2027-01-01T09:30Z', 'UTC')).toBeNull();
    expect(utc('2027-01-01T09:30', 'Mars/Olympus')).toBeNull();
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('not a zone')).toBe(false);
  });

  it('takes IANA names in any case, keeps aliases as written, refuses abbreviations', () => {
    expect(organiserTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(organiserTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(organiserTimeZone('utc')).toBe('UTC');
    expect(organiserTimeZone('EST')).toBeNull();
    expect(organiserTimeZone('Mars/Olympus')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  parseZoomStartTime,
  utcDay,
  zoomDateTime,
} from '../../zoom-emulator/zoom-time.js';

const utcOf = (text: string, zone: string) => {
  const ms = parseZoomStartTime(text, zone);
  return ms === undefined ? undefined : zoomDateTime(ms);
};

describe('parseZoomStartTime', () => {
  it('takes a trailing Z as UTC whatever the zone', () => {
    expect(utcOf('2030-06-15T10:00:00Z', 'Asia/Tokyo')).toBe('2030-06-15T10:00:00Z');
  });

  it('reads a time without Z in the zone, on both sides of daylight saving', () => {
    expect(utcOf('2030-01-15T10:00:00', 'Europe/Berlin')).toBe('2030-01-15T09:00:00Z');
    expect(utcOf('2030-07-15T10:00:00', 'Europe/Berlin')).toBe('2030-07-15T08:00:00Z');
    expect(utcOf('2030-07-15T10:00:00', 'Asia/Kolkata')).toBe('2030-07-15T04:30:00Z');
  });

  it('finds the right offset on the day the clocks change', () => {
    expect(utcOf('2030-03-10T12:00:00', 'America/New_York')).toBe('2030-03-10T16:00:00Z');
    expect(utcOf('2030-11-03T12:00:00', 'America/New_York')).toBe('2030-11-03T17:00:00Z');
  });

  it('refuses milliseconds, offsets and days that do not exist', () => {
    for (const text of [
      '2030-06-15T10:00:00.000Z',
      '2030-06-15T10:00:00+02:00',
      '2031-02-29T10:00:00Z',
      '2030-06-15 10:00:00',
    ]) {
      expect(parseZoomStartTime(text, 'UTC')).toBeUndefined();
    }
  });
});

describe('canonicalTimeZone', () => {
  it('spells a region name in any case as the zone does, and refuses the rest', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('+02:00')).toBeUndefined();
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
  });
});

describe('utcDay', () => {
  it('names the UTC day, not the local one', () => {
    expect(utcDay(Date.UTC(2030, 11, 31, 23, 59, 59))).toBe('2030-12-31');
    expect(utcDay(Date.UTC(2031, 0, 1))).toBe('2031-01-01');
  });
});

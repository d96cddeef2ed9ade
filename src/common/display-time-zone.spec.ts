import {
  DEFAULT_DISPLAY_TIME_ZONE,
  displayTimeZone,
  formatLocalDateTime,
  fromWallClock,
  localIsoDate,
  setDisplayTimeZone,
  wallClockDate,
  zoneOffsetMs,
} from './display-time-zone';
import { formatDateTime, toLocalInput } from './view-helpers';

describe('display time zone', () => {
  afterEach(() => setDisplayTimeZone(DEFAULT_DISPLAY_TIME_ZONE));

  it('shows, parses and exports times in Asia/Yekaterinburg (UTC+5) by default', () => {
    expect(displayTimeZone()).toBe('Asia/Yekaterinburg');
    const at = Date.parse('2026-12-02T12:50:43.534Z');
    expect(zoneOffsetMs(at)).toBe(5 * 3600_000);
    expect(formatLocalDateTime(at)).toBe('02.12.2026 17:50');
    expect(wallClockDate(at).toISOString()).toBe('2026-12-02T17:50:43.534Z');
    expect(localIsoDate(Date.parse('2026-12-02T19:30:00Z'))).toBe('2026-12-03');
    expect(formatDateTime('2026-12-02T12:50:43.534Z')).toBe('02.12.2026, 17:50');
    expect(toLocalInput('2026-12-02T12:50:43.534Z')).toBe('2026-12-02T17:50');
    expect(fromWallClock('2026-12-02T17:50')?.toISOString()).toBe('2026-12-02T12:50:00.000Z');
  });

  it('follows another configured zone, daylight saving included', () => {
    setDisplayTimeZone('Europe/Berlin');
    expect(formatLocalDateTime(Date.parse('2026-07-01T10:00:00Z'))).toBe('01.07.2026 12:00');
    expect(formatLocalDateTime(Date.parse('2026-01-01T10:00:00Z'))).toBe('01.01.2026 11:00');
    expect(fromWallClock('2026-07-01T12:00')?.toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(fromWallClock('2026-01-01T11:00')?.toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(formatDateTime('2026-07-01T10:00:00Z')).toBe('01.07.2026, 12:00');
  });

  it('refuses unknown zones and impossible wall-clock times', () => {
    expect(() => setDisplayTimeZone('Mars/Olympus')).toThrow('unknown time zone');
    expect(fromWallClock('2026-02-31T10:00')).toBeNull();
    expect(fromWallClock('2026-12-02 17:50')).toBeNull();
    expect(fromWallClock('2026-12-02T24:00')).toBeNull();
  });
});

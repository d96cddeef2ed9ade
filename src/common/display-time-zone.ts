/**
 * The region's local time zone (DISPLAY_TIME_ZONE, Asia/Yekaterinburg by default — Chelyabinsk region, UTC+5):
 * times are stored as UTC instants and shown, typed in forms and exported in reports in this zone. Set once from
 * the validated configuration (loadConfig); pure functions below read it, so view helpers and renderers outside
 * Nest's injection agree with the configuration.
 */
export const DEFAULT_DISPLAY_TIME_ZONE = 'Asia/Yekaterinburg';

let zone = DEFAULT_DISPLAY_TIME_ZONE;
let partsFormat: Intl.DateTimeFormat | null = null;
/** UTC offset per quarter hour (zones change offset only on such boundaries), so a 100,000-row export asks Intl rarely */
let offsetCache = new Map<number, number>();

const QUARTER_HOUR = 15 * 60_000;

export function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || !value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function setDisplayTimeZone(value: string): void {
  if (!isTimeZone(value)) throw new Error(`unknown time zone: ${value}`);
  if (value === zone) return;
  zone = value;
  partsFormat = null;
  offsetCache = new Map();
}

export function displayTimeZone(): string {
  return zone;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock of the display zone at an instant. */
export function wallClock(instant: Date | number): WallClock {
  partsFormat ??= new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  const p: Record<string, number> = {};
  for (const part of partsFormat.formatToParts(instant)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
}

/** Milliseconds the display zone is ahead of UTC at an instant (+5 h for Asia/Yekaterinburg). */
export function zoneOffsetMs(instantMs: number): number {
  const bucket = Math.floor(instantMs / QUARTER_HOUR);
  let offset = offsetCache.get(bucket);
  if (offset === undefined) {
    const at = bucket * QUARTER_HOUR;
    const w = wallClock(at);
    offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - at;
    offsetCache.set(bucket, offset);
  }
  return offset;
}

/**
 * A Date whose UTC fields are the display zone's wall clock at the instant: what a spreadsheet's zone-less date
 * cell must hold so that it reads as local time (exceljs writes a Date's UTC fields).
 */
export function wallClockDate(instantMs: number): Date {
  return new Date(instantMs + zoneOffsetMs(instantMs));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `ДД.ММ.ГГГГ ЧЧ:ММ` in the display zone: what Russian-locale Excel and LibreOffice read as a date and time. */
export function formatLocalDateTime(instantMs: number): string {
  const d = wallClockDate(instantMs);
  return `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `ГГГГ-ММ-ДД` of the instant in the display zone (file names). */
export function localIsoDate(instant: Date | number): string {
  const d = wallClockDate(typeof instant === 'number' ? instant : instant.getTime());
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/**
 * The instant of a wall-clock time typed in the display zone (`YYYY-MM-DDTHH:MM[:SS]`, an <input
 * type="datetime-local"> value); null when the text is not such a time. In a daylight-saving gap or overlap it takes
 * the offset in force just before.
 */
export function fromWallClock(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x ?? 0));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(asUtc).getUTCDate() !== day) return null; // 31 February
  const guess = asUtc - zoneOffsetMs(asUtc);
  return new Date(asUtc - zoneOffsetMs(guess));
}

/**
 * What an `<input type="datetime-local">` sends (a wall-clock time of the display zone, without a zone) as an ISO
 * instant; anything else goes on as typed, for the date validation downstream to refuse with the field's name.
 */
export function datetimeLocalToIso(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? (fromWallClock(value)?.toISOString() ?? value) : value;
}

import type { HelperDelegate } from 'handlebars';
import { displayTimeZone, wallClockDate } from './display-time-zone';
import { assetUrl } from './static-assets';

const numberFmt = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 1 });
const decimalFmts = [0, 1, 2, 3].map((d) => new Intl.NumberFormat('ru-RU', { minimumFractionDigits: d, maximumFractionDigits: d }));

/** The one Russian decimal format (comma, grouped thousands) for pages, emails and reports: `digits` after the comma. */
export function formatDecimal(value: unknown, digits = 1): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return decimalFmts[Math.min(Math.max(Math.trunc(digits), 0), 3)].format(value);
}

/** Krippendorff's alpha: always two decimals (pages, emails, PDF alike). */
export const ALPHA_DIGITS = 2;
export function formatAlpha(value: unknown): string {
  return value === null || value === undefined ? 'не определена' : formatDecimal(value, ALPHA_DIGITS);
}

/** Formatters of the display zone (DISPLAY_TIME_ZONE), made again only if the configured zone changes. */
let formats: { zone: string; dateTime: Intl.DateTimeFormat; date: Intl.DateTimeFormat } | null = null;
function zoneFormats() {
  const zone = displayTimeZone();
  if (formats?.zone !== zone) {
    const date = { timeZone: zone, day: '2-digit', month: '2-digit', year: 'numeric' } as const;
    formats = {
      zone,
      dateTime: new Intl.DateTimeFormat('ru-RU', { ...date, hour: '2-digit', minute: '2-digit' }),
      date: new Intl.DateTimeFormat('ru-RU', date),
    };
  }
  return formats;
}

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

export function formatDateTime(value: unknown): string {
  const d = toDate(value);
  return d ? zoneFormats().dateTime.format(d) : '';
}

export function formatDate(value: unknown): string {
  const d = toDate(value);
  return d ? zoneFormats().date.format(d) : '';
}

/** Value for <input type="datetime-local"> in the display time zone. */
export function toLocalInput(value: unknown): string {
  const d = toDate(value);
  return d ? wallClockDate(d.getTime()).toISOString().slice(0, 16) : '';
}

/** Russian plural: plural(n, 'ответ', 'ответа', 'ответов'). */
export function pluralRu(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

const isOptions = (v: unknown): boolean => typeof v === 'object' && v !== null && 'hash' in v && 'data' in v;
const args = (a: unknown[]): unknown[] => a.filter((x) => !isOptions(x));

export const VIEW_HELPERS: Record<string, HelperDelegate> = {
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  not: (a: unknown) => !a,
  and: (...a: unknown[]) => args(a).every(Boolean),
  or: (...a: unknown[]) => args(a).some(Boolean),
  gt: (a: number, b: number) => a > b,
  lt: (a: number, b: number) => a < b,
  add: (a: number, b: number) => Number(a) + Number(b),
  includes: (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value),
  get: (obj: unknown, key: string) => (obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined),
  dateTime: (v: unknown) => formatDateTime(v),
  date: (v: unknown) => formatDate(v),
  localInput: (v: unknown) => toLocalInput(v),
  number: (v: unknown) => (typeof v === 'number' ? numberFmt.format(v) : (v ?? '')),
  // not `percent`: figures carry a `percent` field, and `{{percent}}` would call the helper instead of reading it
  pct: (v: unknown) => (typeof v === 'number' ? `${numberFmt.format(v)} %` : '—'),
  /** a change with its sign: +12, −3, 0 (a real minus sign) */
  signed: (v: unknown) => (typeof v === 'number' ? (v > 0 ? `+${numberFmt.format(v)}` : v < 0 ? `−${numberFmt.format(-v)}` : '0') : ''),
  decimal: (v: unknown, digits: unknown) => formatDecimal(v, typeof digits === 'number' ? digits : 1),
  alpha: (v: unknown) => formatAlpha(v),
  plural: (n: number, one: string, few: string, many: string) => pluralRu(Number(n), one, few, many),
  concat: (...a: unknown[]) => args(a).join(''),
  /** `{{asset 'site.css'}}` → `/static/site.<content hash>.css` (cached for a year; the hash changes with the file). */
  asset: (name: unknown) => assetUrl(String(name)),
  range: (from: number, to: number) => {
    const out: number[] = [];
    for (let i = Number(from); i <= Number(to); i++) out.push(i);
    return out;
  },
};

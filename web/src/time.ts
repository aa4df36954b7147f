/**
 * Times as the pages show them. Slot times arrive as ISO 8601 with the staff member's offset,
 * so the staff member's wall time is read straight from the string (no zone database needed);
 * the visitor's own time is added when the visitor's offset at that instant is different.
 */

/** The visitor's IANA zone, e.g. "America/New_York". */
export const visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The page language's formats (i18n/index.ts sets them when the language is chosen). */
function formatters(locale: string) {
  return {
    clock: new Intl.DateTimeFormat(locale, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }),
    dayLong: new Intl.DateTimeFormat(locale, {
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }),
    dateLong: new Intl.DateTimeFormat(locale, {
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }),
    weekdayLong: new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }),
    weekdayShort: new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" }),
    monthLong: new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }),
    locale,
  };
}

let fmt = formatters("en-GB");

/** Formats dates, times and prices in `locale` (an Intl locale such as "de-DE") from now on. */
export function setFormatLocale(locale: string): void {
  fmt = formatters(locale);
}

/** The Intl locale dates and prices are formatted in. */
export function formatLocale(): string {
  return fmt.locale;
}

/** "10:00" from "2026-12-07T10:00:00+01:00": the wall time where the slot is. */
export function wallTime(iso: string): string {
  return iso.slice(11, 16);
}

/** "+01:00" from an ISO string with an offset. */
export function offsetOf(iso: string): string {
  const m = /([+-]\d\d:\d\d|Z)$/.exec(iso);
  return m?.[1] === "Z" ? "+00:00" : (m?.[1] ?? "+00:00");
}

/** "UTC+01:00" for labels. */
export function utcLabel(offset: string): string {
  return `UTC${offset}`;
}

/** Minutes east of UTC of the visitor at an instant. */
function visitorOffsetMin(ms: number): number {
  return -new Date(ms).getTimezoneOffset();
}

function offsetMin(offset: string): number {
  const sign = offset.startsWith("-") ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

/** The visitor's wall time for an instant, or undefined when it equals the staff member's. */
export function visitorTime(iso: string): string | undefined {
  const ms = Date.parse(iso);
  if (visitorOffsetMin(ms) === offsetMin(offsetOf(iso))) return undefined;
  return fmt.clock.format(ms);
}

/** The visitor's wall time for any instant ("10:00"). */
export function formatClock(iso: string): string {
  return fmt.clock.format(Date.parse(iso));
}

const noon = (date: string) => Date.parse(`${date}T12:00:00Z`);

/** "Monday 7 December 2026" (German: "Montag, 7. Dezember 2026") for a local date. */
export function formatDay(date: string): string {
  return fmt.dayLong.format(noon(date));
}

/** A date's weekday ("Monday") and the rest of it ("7 December 2026"), for split labels. */
export function dayParts(date: string): { weekday: string; rest: string } {
  return { weekday: fmt.weekdayLong.format(noon(date)), rest: fmt.dateLong.format(noon(date)) };
}

/** The short weekday names, Monday first ("Mon" … "Sun"; German "Mo." … "So."). */
export function weekdayNames(): string[] {
  // 2024-01-01 was a Monday.
  return [0, 1, 2, 3, 4, 5, 6].map((i) => fmt.weekdayShort.format(noon(addDays("2024-01-01", i))));
}

/** "December 2026" for any date of the month. */
export function formatMonth(date: string): string {
  return fmt.monthLong.format(Date.parse(`${date.slice(0, 7)}-15T12:00:00Z`));
}

/** The visitor's local date today, YYYY-MM-DD. */
export function todayLocal(): string {
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Calendar arithmetic on YYYY-MM-DD strings (UTC noon, so no DST edge). */
export function addDays(date: string, days: number): string {
  const d = new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

export function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = new Date(Date.UTC(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1, 12));
  return d.toISOString().slice(0, 10);
}

export function monthEnd(date: string): string {
  return addDays(addMonths(monthStart(date), 1), -1);
}

/** ISO weekday of a date: Monday = 1 … Sunday = 7. */
export function weekday(date: string): number {
  return new Date(Date.parse(`${date}T12:00:00Z`)).getUTCDay() || 7;
}

/**
 * The label of each time of one day: its wall time, with its offset when the same wall time
 * occurs twice that day (the repeated hour when clocks go back).
 */
export function timeLabels(starts: readonly string[]): Map<string, string> {
  const seen = new Map<string, number>();
  for (const s of starts) seen.set(wallTime(s), (seen.get(wallTime(s)) ?? 0) + 1);
  return new Map(
    starts.map((s) => {
      const wall = wallTime(s);
      return [s, (seen.get(wall) ?? 0) > 1 ? `${wall} (${utcLabel(offsetOf(s))})` : wall];
    }),
  );
}

/** "9:41" for a countdown. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${pad(s % 60)}`;
}

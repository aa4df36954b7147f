/**
 * Pure time-zone arithmetic on top of the platform's Intl data (no Temporal polyfill, no date
 * library), fast enough for the availability engine, which calls it tens of thousands of times
 * per request.
 *
 * Vocabulary: an *instant* is a UTC epoch in milliseconds; a *wall time* is a local date
 * ("YYYY-MM-DD") plus a minute of that day (0..1440, 1440 = the next day's 00:00) in one zone.
 * Dates are proleptic Gregorian with four-digit years (0000–9999).
 *
 * Speed comes from caches, one set per zone, kept for the life of the isolate:
 * - offsets are cached per UTC day (and, on the rare day that contains a transition, per UTC
 *   hour), so Intl is asked only a few times per day and zone;
 * - each local date records whether it is near a transition; on ordinary dates a wall time maps
 *   to an instant by plain arithmetic.
 * Both caches judge a span "constant" by its two ends. That is exact because tzdb has no day on
 * which a zone changes its offset and changes it back (two transitions summing to zero), so equal
 * offsets at both ends of a day mean no transition in between.
 *
 * One module of about 400 lines rather than several small ones: every function here shares the
 * per-zone caches, and splitting them would export the caches.
 */

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1_440;

/** A cache this large is evicted wholesale; a long-lived isolate must not grow without bound. */
const MAX_CACHE_ENTRIES = 20_000;

/** What we know about one local date in one zone. */
interface LocalDay {
  /** The date's 00:00 read as if it were UTC. */
  wallStartMs: number;
  /** The zone's offset for every wall time of the date, or NaN when a transition is near. */
  offsetMin: number;
}

interface ZoneCache {
  formatter: Intl.DateTimeFormat;
  /** UTC day index → offset for the whole UTC day, or NaN when the offset changes that day. */
  dayOffsets: Map<number, number>;
  /** UTC hour index → offset for the whole hour, or NaN; consulted only on transition days. */
  hourOffsets: Map<number, number>;
  localDays: Map<string, LocalDay>;
}

const zones = new Map<string, ZoneCache>();

/** "00" … "99". */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, "0"));

/** "00:00" … "23:59" by minute of day. */
const HHMM = Array.from(
  { length: MINUTES_PER_DAY },
  (_, m) => `${TWO_DIGITS[Math.floor(m / 60)]}:${TWO_DIGITS[m % 60]}`,
);

/** "00:00:00" … "23:59:00": slots start and end on whole minutes. */
const HHMM_00 = HHMM.map((hhmm) => `${hhmm}:00`);

function zoneFor(tz: string): ZoneCache {
  let zone = zones.get(tz);
  if (zone === undefined) {
    // Only day and time of day: the offset is under a day, so the day of the month says which
    // side of UTC midnight the wall clock is on, and years (and eras) never need parsing.
    // hourCycle "h23" because some engines print midnight as "24" under hour12: false.
    const formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    zone = { formatter, dayOffsets: new Map(), hourOffsets: new Map(), localDays: new Map() };
    zones.set(tz, zone);
  }
  return zone;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= MAX_CACHE_ENTRIES) map.clear();
  map.set(key, value);
  return value;
}

/** Asks Intl. Slow (microseconds); everything else goes through the caches. */
function exactOffsetMinutes(zone: ZoneCache, utcMs: number): number {
  const second = Math.floor(utcMs / SECOND_MS);
  let day = 0;
  let wallSeconds = 0;
  for (const part of zone.formatter.formatToParts(second * SECOND_MS)) {
    if (part.type === "day") day = Number(part.value);
    else if (part.type === "hour") wallSeconds += Number(part.value) * 3_600;
    else if (part.type === "minute") wallSeconds += Number(part.value) * 60;
    else if (part.type === "second") wallSeconds += Number(part.value);
  }
  const utcSeconds = second - Math.floor(second / 86_400) * 86_400;
  let diff = wallSeconds - utcSeconds;
  // A different day of the month means the wall clock is one day ahead of or behind UTC.
  if (day !== new Date(second * SECOND_MS).getUTCDate()) diff += diff < 0 ? 86_400 : -86_400;
  // Local mean time before ~1900 had offsets in seconds; bookings never need them.
  const minutes = Math.round(diff / 60);
  return minutes === 0 ? 0 : minutes;
}

/** The offset over span `index` of length `sizeMs`, or NaN when it changes within the span. */
function spanOffset(zone: ZoneCache, cache: Map<number, number>, index: number, sizeMs: number) {
  const cached = cache.get(index);
  if (cached !== undefined) return cached;
  const first = exactOffsetMinutes(zone, index * sizeMs);
  const next = exactOffsetMinutes(zone, (index + 1) * sizeMs);
  return remember(cache, index, first === next ? first : Number.NaN);
}

function zonedOffset(zone: ZoneCache, utcMs: number): number {
  const day = spanOffset(zone, zone.dayOffsets, Math.floor(utcMs / DAY_MS), DAY_MS);
  if (!Number.isNaN(day)) return day;
  const hour = spanOffset(zone, zone.hourOffsets, Math.floor(utcMs / HOUR_MS), HOUR_MS);
  if (!Number.isNaN(hour)) return hour;
  return exactOffsetMinutes(zone, utcMs);
}

/**
 * Whether `tz` names a time zone: anything `Intl.DateTimeFormat` accepts (IANA names such as
 * "Europe/Berlin", "UTC", "Etc/GMT+2"; Intl also accepts them case-insensitively), except raw
 * UTC offsets such as "+02:00", which newer engines accept but which have no daylight-saving
 * rules, so a schedule stored with one would drift by an hour twice a year. "", "Local" and
 * unknown names are rejected.
 */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== "string" || tz === "" || /^[+\-\u2212]/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's UTC offset in minutes at an instant (Europe/Berlin in summer → 120, America/New_York
 * in winter → -300). Throws a RangeError for an unknown zone or a non-finite instant.
 */
export function offsetMinutesAt(utcMs: number, tz: string): number {
  if (!Number.isFinite(utcMs)) throw new RangeError(`not an instant: ${utcMs}`);
  return zonedOffset(zoneFor(tz), utcMs);
}

// ---------------------------------------------------------------------------------------------
// Calendar dates as day numbers (days since 1970-01-01), by H. Hinnant's civil-date algorithms:
// plain integer arithmetic, free of Date's two-digit-year quirks.

function dayNumberFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function formatDayNumber(dayNumber: number): string {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1_460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, "0")}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date's day number, or NaN when it is not a real YYYY-MM-DD date. */
function parseDayNumber(date: string): number {
  const match = typeof date === "string" ? DATE_PATTERN.exec(date) : null;
  if (!match) return Number.NaN;
  return civilDayNumber(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** The day number of a calendar date given as numbers, or NaN when it does not exist. */
export function civilDayNumber(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  return dayNumberFromCivil(year, month, day);
}

function dayNumberOf(date: string): number {
  const dayNumber = parseDayNumber(date);
  if (Number.isNaN(dayNumber)) throw new RangeError(`not a calendar date YYYY-MM-DD: ${date}`);
  return dayNumber;
}

/** Whether `date` is a strict "YYYY-MM-DD" that exists in the calendar ("2026-02-30" → false). */
export function isValidDate(date: string): boolean {
  return !Number.isNaN(parseDayNumber(date));
}

/** `date` moved by a whole number of days ("2026-02-28" + 1 → "2026-03-01"). */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`not a whole number of days: ${days}`);
  return formatDayNumber(dayNumberOf(date) + days);
}

/** The ISO weekday of a date: Monday = 1 … Sunday = 7. */
export function isoWeekday(date: string): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  // 1970-01-01 (day 0) was a Thursday, ISO weekday 4.
  return (((((dayNumberOf(date) + 3) % 7) + 7) % 7) + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumberOf(to) - dayNumberOf(from);
}

// ---------------------------------------------------------------------------------------------
// Wall time ↔ instant.

function localDayOf(zone: ZoneCache, date: string): LocalDay {
  const cached = zone.localDays.get(date);
  if (cached !== undefined) return cached;
  const dayNumber = dayNumberOf(date);
  // Instants whose wall date is `date` lie within a day either side of its 00:00 read as UTC
  // (offsets stay under 24 h), so three constant, equal UTC days make the date ordinary.
  const before = spanOffset(zone, zone.dayOffsets, dayNumber - 1, DAY_MS);
  const same = spanOffset(zone, zone.dayOffsets, dayNumber, DAY_MS);
  const after = spanOffset(zone, zone.dayOffsets, dayNumber + 1, DAY_MS);
  const offsetMin = before === same && same === after ? same : Number.NaN;
  return remember(zone.localDays, date, { wallStartMs: dayNumber * DAY_MS, offsetMin });
}

function checkMinuteOfDay(minuteOfDay: number): void {
  if (!Number.isInteger(minuteOfDay) || minuteOfDay < 0 || minuteOfDay > MINUTES_PER_DAY) {
    throw new RangeError(`minute of day must be a whole number in 0..1440: ${minuteOfDay}`);
  }
}

/**
 * Every instant whose wall time in `tz` is `localDate` at `minuteOfDay` (1440 = the next day's
 * 00:00), ascending: none in a spring-forward gap, two in a fall-back overlap, else one.
 * Throws a RangeError for an invalid date, minute or zone.
 */
export function wallTimeToInstants(localDate: string, minuteOfDay: number, tz: string): number[] {
  checkMinuteOfDay(minuteOfDay);
  const zone = zoneFor(tz);
  const day = localDayOf(zone, localDate);
  const wallMs = day.wallStartMs + minuteOfDay * MINUTE_MS;
  if (!Number.isNaN(day.offsetMin)) return [wallMs - day.offsetMin * MINUTE_MS];
  // Near a transition: the offsets a day before and after are the only candidates; a candidate
  // counts when the instant it implies really has that offset.
  const earlier = zonedOffset(zone, wallMs - DAY_MS);
  const later = zonedOffset(zone, wallMs + DAY_MS);
  const instants: number[] = [];
  // The larger offset gives the earlier instant: try it first to keep the result ascending.
  const candidates =
    earlier === later ? [earlier] : [Math.max(earlier, later), Math.min(earlier, later)];
  for (const offsetMin of candidates) {
    const instant = wallMs - offsetMin * MINUTE_MS;
    if (zonedOffset(zone, instant) === offsetMin) instants.push(instant);
  }
  return instants;
}

/**
 * One instant for an interval endpoint at a wall time. Unique → that instant; repeated (fall
 * back) → the earlier for "start" and the later for "end", so the interval covers every real
 * minute its wall times name; skipped (spring forward) → the transition, where the gap ends.
 */
export function wallTimeToInstant(
  localDate: string,
  minuteOfDay: number,
  tz: string,
  edge: "start" | "end",
): number {
  const [first, second] = wallTimeToInstants(localDate, minuteOfDay, tz);
  if (first !== undefined) return edge === "end" && second !== undefined ? second : first;
  const zone = zoneFor(tz);
  return gapEndInstant(zone, localDayOf(zone, localDate).wallStartMs + minuteOfDay * MINUTE_MS);
}

/** The transition that skips the (nonexistent) wall time `wallMs`, found to the second. */
function gapEndInstant(zone: ZoneCache, wallMs: number): number {
  const before = zonedOffset(zone, wallMs - DAY_MS);
  const after = zonedOffset(zone, wallMs + DAY_MS);
  if (after <= before) {
    throw new Error(`no daylight-saving gap at ${new Date(wallMs).toISOString()}`);
  }
  // Read with the new offset the wall time falls before the transition; read with the old one,
  // after it. Bisect between the two.
  let lo = wallMs - after * MINUTE_MS;
  let hi = wallMs - before * MINUTE_MS;
  while (hi - lo > SECOND_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / SECOND_MS) * SECOND_MS;
    if (zonedOffset(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

// ---------------------------------------------------------------------------------------------
// Instant → wall time.

/**
 * ISO 8601 with the zone's offset at that instant, seconds always present, milliseconds dropped:
 * "2026-03-29T03:00:00+02:00", "2026-01-05T10:00:00+05:30"; UTC is "+00:00", never "Z", so
 * every response carries an explicit offset.
 */
export function formatInstant(utcMs: number, tz: string): string {
  const offsetMin = offsetMinutesAt(utcMs, tz);
  const localMs = utcMs + offsetMin * MINUTE_MS;
  const dayNumber = Math.floor(localMs / DAY_MS);
  const secondOfDay = Math.floor((localMs - dayNumber * DAY_MS) / SECOND_MS);
  const minuteOfDay = Math.floor(secondOfDay / 60);
  const second = secondOfDay - minuteOfDay * 60;
  // Three cached pieces and two concatenations: the engine formats thousands of these per
  // request, and building each from scratch (or with join) costs several times as much.
  const time = second === 0 ? HHMM_00[minuteOfDay] : `${HHMM[minuteOfDay]}:${TWO_DIGITS[second]}`;
  return dateAndT(dayNumber) + time + offsetSuffix(offsetMin);
}

const datePrefixes = new Map<number, string>();

/** "2026-03-29T" for a day number. */
function dateAndT(dayNumber: number): string {
  const cached = datePrefixes.get(dayNumber);
  return cached ?? remember(datePrefixes, dayNumber, `${formatDayNumber(dayNumber)}T`);
}

const offsetSuffixes = new Map<number, string>();

/** "+02:00", "-03:30", "+00:00" (never "Z"). */
function offsetSuffix(offsetMin: number): string {
  const cached = offsetSuffixes.get(offsetMin);
  if (cached !== undefined) return cached;
  const abs = Math.abs(offsetMin);
  const suffix = `${offsetMin < 0 ? "-" : "+"}${TWO_DIGITS[Math.floor(abs / 60)]}:${TWO_DIGITS[abs % 60]}`;
  return remember(offsetSuffixes, offsetMin, suffix);
}

/** The local date ("YYYY-MM-DD") of an instant in `tz`. */
export function localDateOf(utcMs: number, tz: string): string {
  return formatDayNumber(Math.floor((utcMs + offsetMinutesAt(utcMs, tz) * MINUTE_MS) / DAY_MS));
}

/** The local minute of the day (0..1439) of an instant in `tz`; seconds are dropped. */
export function minuteOfDayOf(utcMs: number, tz: string): number {
  const localMs = utcMs + offsetMinutesAt(utcMs, tz) * MINUTE_MS;
  return Math.floor((localMs - Math.floor(localMs / DAY_MS) * DAY_MS) / MINUTE_MS);
}

// ---------------------------------------------------------------------------------------------
// "HH:MM" wall times.

const HHMM_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "09:30" → 570; "00:00" … "24:00" (1440, the end of the day); anything else → null. */
export function parseHhmm(hhmm: string): number | null {
  if (hhmm === "24:00") return MINUTES_PER_DAY;
  const match = typeof hhmm === "string" ? HHMM_PATTERN.exec(hhmm) : null;
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** 570 → "09:30"; 1440 → "24:00". Throws a RangeError outside 0..1440 or for a fraction. */
export function formatHhmm(minuteOfDay: number): string {
  checkMinuteOfDay(minuteOfDay);
  return minuteOfDay === MINUTES_PER_DAY ? "24:00" : (HHMM[minuteOfDay] as string);
}

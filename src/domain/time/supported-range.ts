/**
 * The calendar range the API accepts for every date and date-time field: 2000-01-01 to
 * 2999-12-31 (both the local date as written and, for a date-time, its UTC date).
 *
 * The engine's own arithmetic works on four-digit years (0000–9999) and steps a few days either
 * side of what it is asked (a day of margin for offsets, a week for closures and bookings read
 * around a range). A year like 9999 is valid ISO 8601 yet one `addDays` away from a RangeError;
 * refusing everything outside a sane range at the edge leaves every such step centuries of room,
 * so date arithmetic on validated input never throws.
 */
import { type OffsetInstant, parseOffsetDateTime } from "./fixed-offset.ts";
import { isValidDate } from "./zoned-time.ts";

export const FIRST_SUPPORTED_DATE = "2000-01-01";
export const LAST_SUPPORTED_DATE = "2999-12-31";

/** For messages: "between 2000-01-01 and 2999-12-31". */
export const SUPPORTED_DATES_TEXT = `between ${FIRST_SUPPORTED_DATE} and ${LAST_SUPPORTED_DATE}`;

/** Whether `date` is a real "YYYY-MM-DD" inside the supported range. */
export function isSupportedDate(date: string): boolean {
  // Four-digit years compare correctly as strings.
  return isValidDate(date) && date >= FIRST_SUPPORTED_DATE && date <= LAST_SUPPORTED_DATE;
}

/**
 * A date-time with an explicit offset (see parseOffsetDateTime) whose local date and UTC date
 * both lie in the supported range, or null.
 */
export function parseSupportedDateTime(text: string): OffsetInstant | null {
  const parsed = parseOffsetDateTime(text);
  // The local date is a real date once parsed; the UTC date's range is a range of instants.
  if (
    !parsed ||
    parsed.localDate < FIRST_SUPPORTED_DATE ||
    parsed.localDate > LAST_SUPPORTED_DATE ||
    parsed.ms < FIRST_SUPPORTED_MS ||
    parsed.ms >= AFTER_LAST_SUPPORTED_MS
  )
    return null;
  return parsed;
}

const FIRST_SUPPORTED_MS = Date.parse(`${FIRST_SUPPORTED_DATE}T00:00:00Z`);
const AFTER_LAST_SUPPORTED_MS = Date.parse(`${LAST_SUPPORTED_DATE}T00:00:00Z`) + 86_400_000;

/**
 * Instants written with an explicit UTC offset, as the API sends and receives them
 * (`2026-12-07T10:00:00+01:00`). Parsing keeps the offset so that answers use the same one.
 */
const OFFSET_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

export interface OffsetInstant {
  ms: number;
  offsetMin: number;
  /** The calendar date as written (the local date in that offset). */
  localDate: string;
}

/**
 * null unless `text` is a valid date-time with an explicit offset. Seconds and their fraction
 * are optional, so that JavaScript's `toISOString()` (`…T09:00:00.000Z`) is read as written; a
 * fraction finer than milliseconds is cut to milliseconds.
 */
export function parseOffsetDateTime(text: string): OffsetInstant | null {
  const match = OFFSET_DATE_TIME.exec(text);
  if (!match) return null;
  const [, date = "", hh = "", mm = "", ss = "00", fraction = "", zone = "Z"] = match;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  const offsetMin =
    zone === "Z"
      ? 0
      : (zone.startsWith("-") ? -1 : 1) *
        (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offsetMin) > 18 * 60) return null;
  const localMs = Date.parse(`${date}T${hh}:${mm}:${ss}Z`);
  if (Number.isNaN(localMs) || new Date(localMs).toISOString().slice(0, 10) !== date) return null;
  const fractionMs = Number(fraction.slice(0, 3).padEnd(3, "0"));
  return { ms: localMs + fractionMs - offsetMin * 60_000, offsetMin, localDate: date };
}

/** `2026-12-07T10:00:00+01:00` for an instant in a fixed offset (never `Z`). */
export function formatWithOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

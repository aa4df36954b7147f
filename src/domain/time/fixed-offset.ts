/**
 * Instants written with an explicit UTC offset, as the API sends and receives them
 * (`2026-12-07T10:00:00+01:00`). Parsing keeps the offset so that answers use the same one.
 */
import { civilDayNumber } from "./zoned-time.ts";

const OFFSET_DATE_TIME =
  /^((\d{4})-(\d{2})-(\d{2}))T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

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
  // Plain arithmetic on the digits: every hold and booking reads its start here, and Date's
  // string parsing would cost more than the rest of this function.
  const [, date = "", year, month, day, hh, mm, ss = "0", fraction = "", sign, offH, offM] = match;
  const [hours, minutes, seconds] = [Number(hh), Number(mm), Number(ss)];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const offsetMin = sign ? (sign === "-" ? -1 : 1) * (Number(offH) * 60 + Number(offM)) : 0;
  if (Math.abs(offsetMin) > 18 * 60) return null;
  const dayNumber = civilDayNumber(Number(year), Number(month), Number(day));
  if (Number.isNaN(dayNumber)) return null;
  const localMs = dayNumber * 86_400_000 + ((hours * 60 + minutes) * 60 + seconds) * 1000;
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

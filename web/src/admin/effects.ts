/**
 * The effect of a date's own hours (an override) and of a closure, before saving, with no DOM.
 * A date's change is counted by the weekly-hours engine mirror (hours.ts): it is the change of
 * its weekday seen on that one date, so both editors count bookable times by the same rules.
 */
import { addDays, weekday } from "../time.ts";
import {
  checkDay,
  type DayPreview,
  type Interval,
  type PreviewAppointment,
  type PreviewInput,
  previewHours,
  WEEKDAYS,
  type WeekdayKey,
} from "./hours.ts";

/** What the date's form says: `[]` when "Not working"; undefined while it is incomplete or wrong. */
export function draftIntervals(
  off: boolean,
  start: string,
  end: string,
  gridMin: number,
): Interval[] | undefined {
  if (off) return [];
  const intervals = [{ start, end }];
  return checkDay(intervals, gridMin).length === 0 ? intervals : undefined;
}

export interface DateEffectInput
  extends Omit<PreviewInput, "dates" | "current" | "draft" | "overrides"> {
  date: string;
  /** The date's hours now (its override, else its weekday's). */
  before: readonly Interval[];
  after: readonly Interval[];
}

/** One date's bookable times before and after its new hours, and the appointments left outside. */
export function dateEffect(input: DateEffectInput): DayPreview {
  const { date, before, after, ...rest } = input;
  const key = WEEKDAYS[weekday(date) - 1] as WeekdayKey;
  return previewHours({
    ...rest,
    dates: [date],
    current: { [key]: [...before] },
    draft: { [key]: [...after] },
    overrides: [],
  })[0] as DayPreview;
}

/** The appointments of one staff member on one (local) date, as the engine mirror counts them. */
export function dayAppointments<
  T extends { id: string; staffId: string; serviceId: string; status: string; start: string },
>(
  appointments: readonly T[],
  staffId: string,
  date: string,
  buffers: (serviceId: string) => { bufferBeforeMin: number; bufferAfterMin: number },
): (T & PreviewAppointment)[] {
  return appointments
    .filter((a) => a.staffId === staffId && a.status === "confirmed")
    .filter((a) => a.start.slice(0, 10) === date)
    .map((a) => ({ ...a, ...buffers(a.serviceId) }) as T & PreviewAppointment);
}

export interface ClosureEffect<T> {
  count: number;
  /** The first few by start time. */
  shown: T[];
}

/**
 * The confirmed appointments a closure of `startDate`..`endDate` keeps: those starting on the
 * dates in the business's zone (`dayStartMs` gives a date's first instant there), as the server
 * reports them once the closure is saved. Undefined when the range is incomplete or backwards.
 */
export function closureEffect<T extends { status: string; start: string }>(
  appointments: readonly T[],
  startDate: string,
  endDate: string,
  dayStartMs: (date: string) => number,
  limit = 5,
): ClosureEffect<T> | undefined {
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  if (!iso.test(startDate) || !iso.test(endDate) || endDate < startDate) return undefined;
  const from = dayStartMs(startDate);
  const to = dayStartMs(addDays(endDate, 1));
  const found = appointments
    .filter((a) => a.status === "confirmed")
    .filter((a) => {
      const at = Date.parse(a.start);
      return from <= at && at < to;
    })
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return { count: found.length, shown: found.slice(0, limit) };
}

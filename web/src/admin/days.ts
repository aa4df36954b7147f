/**
 * The day and week views' arithmetic, with no DOM: which dates a view covers, which UTC days to
 * ask the API for (`GET /v1/admin/appointments` filters by UTC day, while an appointment's
 * `start` carries its staff member's offset and local date), and the grouping by local date.
 */
import { addDays, weekday } from "../time.ts";

export interface Dated {
  id: string;
  staffId: string;
  start: string;
}

/** The dates a view shows: the day itself, or Monday to Sunday of its week. */
export function viewDates(date: string, view: "day" | "week"): string[] {
  if (view === "day") return [date];
  // weekday(): Monday 1 … Sunday 7.
  const monday = addDays(date, 1 - weekday(date));
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/**
 * The UTC day range (`from` inclusive, `to` exclusive) that surely holds every appointment whose
 * local date is among `dates`: offsets reach ±14 h, so one day on each side.
 */
export function utcRange(dates: readonly string[]): { from: string; to: string } {
  const first = dates[0];
  const last = dates[dates.length - 1];
  if (first === undefined || last === undefined) throw new Error("no dates");
  return { from: addDays(first, -1), to: addDays(last, 2) };
}

/** The appointments by their local date (the date part of `start`), each day by start time. */
export function groupByDate<T extends Dated>(
  items: readonly T[],
  dates: readonly string[],
  staffId?: string,
): Map<string, T[]> {
  const out = new Map<string, T[]>(dates.map((d) => [d, []]));
  for (const item of items) {
    if (staffId && item.staffId !== staffId) continue;
    out.get(item.start.slice(0, 10))?.push(item);
  }
  for (const list of out.values()) {
    list.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
  }
  return out;
}

/** Whether a closure (`startDate`..`endDate`, inclusive) covers `date`. */
export function closedOn(
  closures: readonly { startDate: string; endDate: string; reason?: string | null }[],
  date: string,
): { reason: string } | undefined {
  const hit = closures.find((c) => c.startDate <= date && date <= c.endDate);
  return hit ? { reason: hit.reason ?? "" } : undefined;
}

/** The slots starting within `hours` from `nowMs` (the "next hours" strip). */
export function nextHours<T extends { start: string }>(
  slots: readonly T[],
  nowMs: number,
  hours: number,
): T[] {
  const end = nowMs + hours * 3_600_000;
  return slots.filter((s) => {
    const at = Date.parse(s.start);
    return at >= nowMs && at < end;
  });
}

export interface Interval {
  start: string;
  end: string;
}

const WEEKDAY_KEYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;

/**
 * A staff member's working hours on `date` (wall times): the date's override when there is one
 * (`[]` is a day off), else the weekly hours of its weekday. The gaps between them are breaks.
 */
export function hoursOn(
  weekly: Partial<Record<string, Interval[]>>,
  overrides: readonly { date: string; intervals: Interval[] }[],
  date: string,
): { intervals: Interval[]; override: boolean } {
  const override = overrides.find((o) => o.date === date);
  if (override) return { intervals: override.intervals, override: true };
  const key = WEEKDAY_KEYS[weekday(date) - 1];
  return { intervals: (key && weekly[key]) || [], override: false };
}

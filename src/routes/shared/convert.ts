/** Conversions between the API's field shapes and the domain's. */
import type { Interval, Weekday, WeeklySchedule } from "../../domain/availability/types.ts";
import { formatHhmm, parseHhmm } from "../../domain/time/zoned-time.ts";
import { WEEKDAY_NAMES } from "./schemas.ts";

type ApiInterval = { start: string; end: string };
type ApiWeekly = Partial<Record<(typeof WEEKDAY_NAMES)[number], ApiInterval[]>>;

/** Validated wall times always parse (the schema checked them). */
export function toInterval(interval: ApiInterval): Interval {
  return { startMin: parseHhmm(interval.start) ?? 0, endMin: parseHhmm(interval.end) ?? 0 };
}

export function fromInterval(interval: Interval): ApiInterval {
  return { start: formatHhmm(interval.startMin), end: formatHhmm(interval.endMin) };
}

export function toWeekly(api: ApiWeekly): WeeklySchedule {
  const weekly: WeeklySchedule = {};
  WEEKDAY_NAMES.forEach((name, index) => {
    const intervals = api[name];
    if (intervals) weekly[(index + 1) as Weekday] = intervals.map(toInterval);
  });
  return weekly;
}

export function fromWeekly(weekly: WeeklySchedule): ApiWeekly {
  const api: ApiWeekly = {};
  WEEKDAY_NAMES.forEach((name, index) => {
    const intervals = weekly[(index + 1) as Weekday];
    if (intervals && intervals.length > 0) api[name] = intervals.map(fromInterval);
  });
  return api;
}

export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

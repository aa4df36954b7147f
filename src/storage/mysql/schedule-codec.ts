import { z } from "zod";
import type { Interval, Weekday, WeeklySchedule } from "../../domain/availability/types.ts";
import { formatHhmm, parseHhmm } from "../../domain/time/zoned-time.ts";

/**
 * Schedules are stored as JSON with wall times as "HH:MM" strings, readable in SQL:
 * weekly `{"1": [["09:00","12:00"], ["13:00","17:00"]], …}` (ISO weekday keys), overrides
 * `[["10:00","14:00"]]`.
 */
const StoredIntervals = z.array(z.tuple([z.string(), z.string()]));
const StoredWeekly = z.record(z.string(), StoredIntervals);

function toInterval([start, end]: [string, string]): Interval {
  const startMin = parseHhmm(start);
  const endMin = parseHhmm(end);
  if (startMin === null || endMin === null) throw new Error(`bad stored interval ${start}-${end}`);
  return { startMin, endMin };
}

export function encodeIntervals(intervals: Interval[]): string {
  return JSON.stringify(intervals.map((i) => [formatHhmm(i.startMin), formatHhmm(i.endMin)]));
}

export function decodeIntervals(value: unknown): Interval[] {
  return StoredIntervals.parse(value).map(toInterval);
}

export function encodeWeekly(weekly: WeeklySchedule): string {
  const stored: Record<string, [string, string][]> = {};
  for (const [day, intervals] of Object.entries(weekly)) {
    if (intervals && intervals.length > 0) {
      stored[day] = intervals.map((i) => [formatHhmm(i.startMin), formatHhmm(i.endMin)]);
    }
  }
  return JSON.stringify(stored);
}

export function decodeWeekly(value: unknown): WeeklySchedule {
  const weekly: WeeklySchedule = {};
  for (const [day, intervals] of Object.entries(StoredWeekly.parse(value))) {
    const weekday = Number(day);
    if (weekday >= 1 && weekday <= 7) weekly[weekday as Weekday] = intervals.map(toInterval);
  }
  return weekly;
}

/**
 * Weekly hours in the business app, with no DOM: checking a draft before it is sent, and its
 * effect on the next days (bookable times before and after, appointments that would fall outside)
 * before it is saved. The counts mirror the availability engine's rules
 * (src/domain/availability/compute-availability.ts) on the data the app already reads, so the
 * editor can show the effect without a preview API; live holds are not counted (they come and go
 * within minutes).
 */
import { weekday } from "../time.ts";

export interface Interval {
  start: string;
  end: string;
}

export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
export type WeekdayKey = (typeof WEEKDAYS)[number];
export type Weekly = Partial<Record<WeekdayKey, Interval[]>>;

const MINUTES_PER_DAY = 1440;

/**
 * "HH:MM" as minutes after midnight; an end of "00:00" or "24:00" is midnight at the day's end
 * (a time input cannot show 24:00). Undefined when malformed.
 */
export function minuteOf(time: string, isEnd = false): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) return undefined;
  const minute = Number(match[1]) * 60 + Number(match[2]);
  if (minute > MINUTES_PER_DAY || Number(match[2]) > 59) return undefined;
  return isEnd && minute === 0 ? MINUTES_PER_DAY : minute;
}

export type IntervalProblem = "required" | "endAfterStart" | "overlaps" | "offGrid";

export interface FieldProblem {
  index: number;
  field: "start" | "end";
  problem: IntervalProblem;
}

/**
 * What is wrong with one weekday's intervals, each named by its row and field: a missing time,
 * an end not after its start, a time off the slot grid, an interval overlapping an earlier one
 * (touching is allowed: the API joins touching intervals).
 */
export function checkDay(intervals: readonly Interval[], gridMin: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const good: { index: number; startMin: number; endMin: number }[] = [];
  for (const [index, interval] of intervals.entries()) {
    const startMin = minuteOf(interval.start);
    const endMin = minuteOf(interval.end, true);
    if (startMin === undefined) problems.push({ index, field: "start", problem: "required" });
    if (endMin === undefined) problems.push({ index, field: "end", problem: "required" });
    if (startMin === undefined || endMin === undefined) continue;
    let problem: FieldProblem | undefined;
    if (endMin <= startMin) problem = { index, field: "end", problem: "endAfterStart" };
    else if (startMin % gridMin !== 0) problem = { index, field: "start", problem: "offGrid" };
    else if (endMin % gridMin !== 0) problem = { index, field: "end", problem: "offGrid" };
    else if (good.some((g) => startMin < g.endMin && g.startMin < endMin)) {
      problem = { index, field: "start", problem: "overlaps" };
    }
    if (problem) problems.push(problem);
    else good.push({ index, startMin, endMin });
  }
  return problems;
}

/** The weekly hours as the API takes them: sorted, midnight ends as "24:00", empty days left out. */
export function toApiWeekly(draft: Weekly): Weekly {
  const out: Weekly = {};
  for (const day of WEEKDAYS) {
    const list = (draft[day] ?? [])
      .map((i) => ({
        start: i.start,
        end: minuteOf(i.end, true) === MINUTES_PER_DAY ? "24:00" : i.end,
      }))
      .sort((a, b) => a.start.localeCompare(b.start));
    if (list.length > 0) out[day] = list;
  }
  return out;
}

/** Working stretches of a day in minutes: malformed and empty intervals dropped, touching joined. */
export function stretches(intervals: readonly Interval[]): { startMin: number; endMin: number }[] {
  const sorted = intervals
    .map((i) => ({ startMin: minuteOf(i.start), endMin: minuteOf(i.end, true) }))
    .filter(
      (i): i is { startMin: number; endMin: number } =>
        i.startMin !== undefined && i.endMin !== undefined && i.startMin < i.endMin,
    )
    .sort((a, b) => a.startMin - b.startMin);
  const merged: { startMin: number; endMin: number }[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.startMin <= last.endMin) last.endMin = Math.max(last.endMin, s.endMin);
    else merged.push({ ...s });
  }
  return merged;
}

export interface PreviewAppointment {
  id: string;
  /** ISO 8601 with the staff member's offset: its date and clock are the staff member's. */
  start: string;
  end: string;
  /** The occupied time around it (its service's buffers). */
  bufferBeforeMin: number;
  bufferAfterMin: number;
}

export interface PreviewInput {
  dates: readonly string[];
  current: Weekly;
  draft: Weekly;
  overrides: readonly { date: string; intervals: Interval[] }[];
  closures: readonly { startDate: string; endDate: string }[];
  /** The staff member's confirmed appointments in (around) the dates. */
  appointments: readonly PreviewAppointment[];
  service: { durationMin: number; bufferBeforeMin: number; bufferAfterMin: number };
  gridMin: number;
  /** Now plus the minimum notice: no bookable start before it. */
  earliestMs: number;
  /** Now plus the horizon: no bookable start at or after it. */
  horizonEndMs: number;
  /** The instant of a wall time on a date in the staff member's zone. */
  instantOf: (date: string, minute: number) => number;
}

export interface DayPreview {
  date: string;
  /** The hours the draft gives this date (a date override keeps its own). */
  hours: Interval[];
  override: boolean;
  closed: boolean;
  before: number;
  after: number;
  /** Confirmed appointments of this date not inside the draft's hours (they stay booked). */
  outside: string[];
}

/** The draft's effect on each date: bookable starts before and after, appointments left outside. */
export function previewHours(input: PreviewInput): DayPreview[] {
  const busy = input.appointments.map((a) => ({
    startMs: Date.parse(a.start) - a.bufferBeforeMin * 60_000,
    endMs: Date.parse(a.end) + a.bufferAfterMin * 60_000,
  }));
  return input.dates.map((date) => {
    const override = input.overrides.find((o) => o.date === date);
    const key = WEEKDAYS[weekday(date) - 1] as WeekdayKey;
    const closed = input.closures.some((c) => c.startDate <= date && date <= c.endDate);
    const beforeHours = override ? override.intervals : (input.current[key] ?? []);
    const afterHours = override ? override.intervals : (input.draft[key] ?? []);
    const count = (hours: readonly Interval[]) =>
      closed ? 0 : bookableStarts(input, busy, date, hours);
    const after = stretches(afterHours);
    const outside = input.appointments
      .filter((a) => a.start.slice(0, 10) === date)
      .filter((a) => {
        const startMin = minuteOf(a.start.slice(11, 16)) ?? 0;
        const endMin = startMin + (Date.parse(a.end) - Date.parse(a.start)) / 60_000;
        return !after.some((s) => s.startMin <= startMin && endMin <= s.endMin);
      })
      .map((a) => a.id);
    return {
      date,
      hours: [...afterHours],
      override: Boolean(override),
      closed,
      before: count(beforeHours),
      after: count(afterHours),
      outside,
    };
  });
}

/** The engine's rule: on the grid, service and buffers inside one stretch, notice, horizon, free. */
function bookableStarts(
  input: PreviewInput,
  busy: readonly { startMs: number; endMs: number }[],
  date: string,
  hours: readonly Interval[],
): number {
  const { service, gridMin } = input;
  let n = 0;
  for (const { startMin, endMin } of stretches(hours)) {
    const first = Math.ceil((startMin + service.bufferBeforeMin) / gridMin) * gridMin;
    const last = endMin - service.durationMin - service.bufferAfterMin;
    for (let minute = first; minute <= last; minute += gridMin) {
      const startMs = input.instantOf(date, minute);
      if (startMs < input.earliestMs || startMs >= input.horizonEndMs) continue;
      const from = startMs - service.bufferBeforeMin * 60_000;
      const to = startMs + (service.durationMin + service.bufferAfterMin) * 60_000;
      if (busy.some((b) => b.startMs < to && from < b.endMs)) continue;
      n++;
    }
  }
  return n;
}

/** The offset (ms, local minus UTC) of `zone` at instant `ms`. */
function offsetMs(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return local - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a wall time in an IANA zone (two passes settle the offset; a wall time in a
 * daylight-saving gap lands one hour off, which a preview count can bear).
 */
export function zonedInstant(date: string, minute: number, zone: string): number {
  const naive = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  const first = naive - offsetMs(zone, naive);
  return naive - offsetMs(zone, first);
}

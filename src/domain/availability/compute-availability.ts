// The availability engine (docs/architecture/availability.md). Its helpers (interval merging,
// the sorted range index) exist only for it and read best beside it.
import {
  addDays,
  daysBetween,
  formatInstant,
  isoWeekday,
  wallTimeToInstant,
  wallTimeToInstants,
} from "../time/zoned-time.ts";
import type { AvailabilityDay, AvailabilityQuery, Interval, Slot, StaffCalendar } from "./types.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1_440;

/** Half-open ranges sorted by start, with the furthest end so far, for O(log n) overlap tests. */
interface RangeIndex {
  starts: number[];
  reach: number[];
}

/** The query's rules in milliseconds, computed once per call. */
interface Rules {
  gridMin: number;
  firstOffsetMin: number;
  lastOffsetMin: number;
  durationMs: number;
  bufferBeforeMs: number;
  bufferAfterMs: number;
  earliestStartMs: number;
  startBeforeMs: number;
  closures: RangeIndex;
}

/**
 * Every slot of one service from `fromDate` to `toDate` inclusive: one entry per date, even when
 * empty, each date's slots sorted by start then staff id, each slot on the local date it starts
 * in. A slot starts at a wall time on the grid from an interval's start + buffer-before to its
 * end − duration − buffer-after, at each real instant that wall time has (none in a DST gap, two
 * in an overlap), such that its occupied time (service plus buffers, in real minutes) lies inside
 * one stretch of working time, it starts no sooner than now + notice and before now + horizon,
 * and its service time overlaps no closure. Slots overlapping an appointment come back "booked"
 * rather than being left out, so clients can draw them.
 *
 * Pure and deterministic. Throws a RangeError for a malformed query (invalid dates or zones, a
 * non-positive grid or duration), which callers validate first.
 */
export function computeAvailability(query: AvailabilityQuery): AvailabilityDay[] {
  const rules = rulesOf(query);
  const dayCount = Math.max(0, daysBetween(query.fromDate, query.toDate) + 1);
  const days = Array.from({ length: dayCount }, (_, i) => ({
    date: addDays(query.fromDate, i),
    slots: [] as Slot[],
  }));
  // A staff member listed twice would otherwise yield every slot twice.
  const seen = new Set<string>();
  for (const staff of query.staff) {
    if (seen.has(staff.staffId)) continue;
    seen.add(staff.staffId);
    const busy = indexRanges(staff.busy);
    for (const day of days) {
      const intervals = staff.overrides.get(day.date) ?? staff.weekly[isoWeekday(day.date)] ?? [];
      for (const interval of mergeIntervals(intervals)) {
        addIntervalSlots(day.slots, rules, staff, busy, day.date, interval);
      }
    }
  }
  for (const day of days) day.slots.sort(bySlotOrder);
  return days;
}

function rulesOf(query: AvailabilityQuery): Rules {
  const { service, slotIntervalMin, nowMs } = query;
  const wholes = [slotIntervalMin, service.durationMin];
  const nonNegative = [service.bufferBeforeMin, service.bufferAfterMin, query.minNoticeMin];
  if (wholes.some((n) => !Number.isInteger(n) || n <= 0) || nonNegative.some((n) => !(n >= 0))) {
    throw new RangeError(
      "slot interval and duration must be positive, buffers and notice not negative",
    );
  }
  if (!Number.isFinite(nowMs) || !Number.isFinite(query.horizonDays)) {
    throw new RangeError("nowMs and horizonDays must be finite");
  }
  return {
    gridMin: slotIntervalMin,
    firstOffsetMin: service.bufferBeforeMin,
    lastOffsetMin: service.durationMin + service.bufferAfterMin,
    durationMs: service.durationMin * MINUTE_MS,
    bufferBeforeMs: service.bufferBeforeMin * MINUTE_MS,
    bufferAfterMs: service.bufferAfterMin * MINUTE_MS,
    earliestStartMs: nowMs + query.minNoticeMin * MINUTE_MS,
    startBeforeMs: nowMs + query.horizonDays * DAY_MS,
    closures: indexRanges(
      query.closures
        .filter((c) => daysBetween(c.startDate, c.endDate) >= 0)
        .map((c) => ({
          startMs: wallTimeToInstant(c.startDate, 0, query.businessTimeZone, "start"),
          endMs: wallTimeToInstant(c.endDate, MINUTES_PER_DAY, query.businessTimeZone, "end"),
        })),
    ),
  };
}

/**
 * Working time of one local day as disjoint stretches. Touching intervals are joined: no break
 * separates them, so a service may run across the seam. Because the stretches are disjoint in
 * wall time, no two candidate starts share a wall time and so no instant is produced twice.
 */
function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals
    .map(({ startMin, endMin }) => ({
      startMin: Math.max(0, startMin),
      endMin: Math.min(MINUTES_PER_DAY, endMin),
    }))
    .filter((i) => i.startMin < i.endMin)
    .sort((a, b) => a.startMin - b.startMin);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.startMin <= last.endMin) {
      last.endMin = Math.max(last.endMin, interval.endMin);
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

function addIntervalSlots(
  out: Slot[],
  rules: Rules,
  staff: StaffCalendar,
  busy: RangeIndex,
  date: string,
  { startMin, endMin }: Interval,
): void {
  const tz = staff.timeZone;
  // The widest real range the wall times name: a repeated endpoint counts both times over, a
  // skipped one becomes the transition.
  const workStartMs = wallTimeToInstant(date, startMin, tz, "start");
  const workEndMs = wallTimeToInstant(date, endMin, tz, "end");
  if (workEndMs <= rules.earliestStartMs || workStartMs >= rules.startBeforeMs) return;
  const first = Math.ceil((startMin + rules.firstOffsetMin) / rules.gridMin) * rules.gridMin;
  for (let minute = first; minute <= endMin - rules.lastOffsetMin; minute += rules.gridMin) {
    // A skipped wall time yields no instant, a repeated one yields two: one slot per real start.
    for (const startMs of wallTimeToInstants(date, minute, tz)) {
      const endMs = startMs + rules.durationMs;
      const occupiedStartMs = startMs - rules.bufferBeforeMs;
      const occupiedEndMs = endMs + rules.bufferAfterMs;
      // Real minutes, not wall minutes: across a transition the wall-time arithmetic lies.
      if (occupiedStartMs < workStartMs || occupiedEndMs > workEndMs) continue;
      if (startMs < rules.earliestStartMs || startMs >= rules.startBeforeMs) continue;
      if (overlapsAny(rules.closures, startMs, endMs)) continue;
      const booked = overlapsAny(busy, occupiedStartMs, occupiedEndMs);
      out.push({
        staffId: staff.staffId,
        localDate: date,
        startMs,
        endMs,
        occupiedStartMs,
        occupiedEndMs,
        start: formatInstant(startMs, tz),
        end: formatInstant(endMs, tz),
        state: booked ? "booked" : "available",
      });
    }
  }
}

/** Empty ranges occupy no time and are dropped. */
function indexRanges(ranges: readonly { startMs: number; endMs: number }[]): RangeIndex {
  const sorted = ranges.filter((r) => r.endMs > r.startMs).sort((a, b) => a.startMs - b.startMs);
  const index: RangeIndex = { starts: [], reach: [] };
  let reach = Number.NEGATIVE_INFINITY;
  for (const range of sorted) {
    reach = Math.max(reach, range.endMs);
    index.starts.push(range.startMs);
    index.reach.push(reach);
  }
  return index;
}

/** Whether [startMs, endMs) overlaps any indexed range (half-open on both sides). */
function overlapsAny(index: RangeIndex, startMs: number, endMs: number): boolean {
  // The ranges starting before endMs form a prefix; one of them overlaps exactly when the
  // furthest end in that prefix lies after startMs.
  let lo = 0;
  let hi = index.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((index.starts[mid] as number) < endMs) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && (index.reach[lo - 1] as number) > startMs;
}

function bySlotOrder(a: Slot, b: Slot): number {
  if (a.startMs !== b.startMs) return a.startMs - b.startMs;
  return a.staffId < b.staffId ? -1 : a.staffId > b.staffId ? 1 : 0;
}

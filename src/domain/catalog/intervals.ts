/** Validation of the working intervals an administrator submits for a weekday or a date. */
import type { Interval } from "../availability/types.ts";
import { formatHhmm } from "../time/zoned-time.ts";

const MINUTES_PER_DAY = 1_440;

/**
 * Null when `intervals` is a valid list of working hours for one local day, else a short message
 * naming the offending index ("[1]: overlaps [0]"), meant to follow a field path. Each interval
 * lies within 00:00–24:00 in whole minutes, starts before it ends and has both ends on the slot
 * grid (24:00 always counts as on the grid: it closes the day whatever the grid). Intervals may
 * touch but not overlap, in any input order; an empty list is a day off.
 */
export function validateIntervals(intervals: Interval[], slotIntervalMin: number): string | null {
  if (!Number.isInteger(slotIntervalMin) || slotIntervalMin <= 0) {
    throw new RangeError(`slot interval must be a positive whole number: ${slotIntervalMin}`);
  }
  for (const [index, interval] of intervals.entries()) {
    const problem = intervalProblem(interval, slotIntervalMin);
    if (problem) return `[${index}]: ${problem}`;
  }
  return overlapProblem(intervals);
}

function intervalProblem({ startMin, endMin }: Interval, slotIntervalMin: number): string | null {
  if (!Number.isInteger(startMin) || !Number.isInteger(endMin))
    return "times must be whole minutes";
  if (startMin < 0 || endMin > MINUTES_PER_DAY) return "must be within 00:00–24:00";
  if (startMin >= endMin) return "start must be before end";
  for (const minute of [startMin, endMin]) {
    if (minute !== MINUTES_PER_DAY && minute % slotIntervalMin !== 0) {
      return `${formatHhmm(minute)} is not on the ${slotIntervalMin}-minute grid`;
    }
  }
  return null;
}

/** The first overlap in start order, naming the later input index first. */
function overlapProblem(intervals: Interval[]): string | null {
  const order = intervals
    .map((interval, index) => ({ ...interval, index }))
    .sort((a, b) => a.startMin - b.startMin || a.index - b.index);
  let reach: (typeof order)[number] | undefined;
  for (const current of order) {
    if (reach && current.startMin < reach.endMin) {
      return `[${Math.max(current.index, reach.index)}]: overlaps [${Math.min(current.index, reach.index)}]`;
    }
    // In start order, an interval overlaps an earlier one exactly when it starts before the
    // furthest end so far.
    if (!reach || current.endMin > reach.endMin) reach = current;
  }
  return null;
}

/** A sorted copy (by start, then end), as stored and returned; the input is not modified. */
export function normalizeIntervals(intervals: Interval[]): Interval[] {
  return intervals
    .map(({ startMin, endMin }) => ({ startMin, endMin }))
    .sort((a, b) => a.startMin - b.startMin || a.endMin - b.endMin);
}

import { DomainError } from "../errors.ts";
import { type AvailabilityState, overlaySlot } from "../live/offers.ts";
import { slotRef } from "../live/select-slot.ts";
import type { DomainContext } from "../ports.ts";
import { parseOffsetDateTime } from "../time/fixed-offset.ts";
import {
  addDays,
  formatInstant,
  localDateOf,
  minuteOfDayOf,
  wallTimeToInstant,
  wallTimeToInstants,
} from "../time/zoned-time.ts";
import { loadLiveAvailability } from "./get-availability.ts";

/** A series has at most this many occurrences (one hold, one booking transaction). */
export const MAX_SERIES_COUNT = 12;
/** Occurrences at most a year apart. */
export const MAX_SERIES_EVERY_WEEKS = 52;
/** Alternatives offered for a taken occurrence, on its own date. */
export const SERIES_ALTERNATIVES = 3;

const WEEK_MS = 7 * 86_400_000;

export interface SeriesRequest {
  serviceId: string;
  staffId: string;
  /** The first occurrence, as availability writes it. */
  start: string;
  everyWeeks: number;
  count: number;
  clientId?: string;
  /** Names the fields in errors: `query` for the read, `body` for a hold's `repeat`. */
  startField: string;
  repeatField: string;
}

export interface SeriesSlot {
  startMs: number;
  start: string;
  end: string;
}

export interface SeriesOccurrence {
  /** The staff member's local date. */
  date: string;
  /** The occurrence at the first one's local wall time (09:00 stays 09:00 across DST). */
  startMs: number;
  start: string;
  /** Null when the time is not an offered slot. */
  end: string | null;
  /** Free to hold: offered and neither booked nor held (being viewed is advisory). */
  free: boolean;
  /** What stands in the way: `booked`, `held`, or `unavailable` (not an offered slot). */
  state: AvailabilityState | "unavailable";
  /** For a taken occurrence: the nearest free slots on its date (at most 3, by time). */
  alternatives: SeriesSlot[];
}

export interface Series {
  occurrences: SeriesOccurrence[];
  horizonEnd: string;
}

/**
 * The occurrences of a weekly series of one service with one staff member, at the same local wall
 * time in the staff member's zone every `everyWeeks` weeks, each free or taken (with the nearest
 * free alternatives of its date). It is the availability verb over the occurrence dates only, so
 * it costs what availability costs (one SQL read, one Redis call) and publishes the offers of
 * every occurrence date, which is what a hold of the series checks.
 */
export async function findSeries({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: SeriesRequest;
}): Promise<Series> {
  const first = slotRef(input.start, input.startField);
  const spanMs = (input.count - 1) * input.everyWeeks * WEEK_MS;
  let zone: string | null = null;
  const occurrenceDates = (timeZone: string) => {
    zone = timeZone;
    const date = localDateOf(first.startMs, timeZone);
    return Array.from({ length: input.count }, (_, k) => addDays(date, k * input.everyWeeks * 7));
  };
  const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const { days, liveOf, horizonEnd } = await loadLiveAvailability({
    ctx,
    input: {
      serviceId: input.serviceId,
      staffId: input.staffId,
      // Every local date of the series lies within a day of its UTC date.
      fromDate: addDays(utcDate(first.startMs), -1),
      toDate: addDays(utcDate(first.startMs + spanMs), 1),
      pickDates: occurrenceDates,
      ...(input.clientId ? { clientId: input.clientId } : {}),
    },
  });
  const tz: string | null = zone;
  if (tz === null) return { occurrences: [], horizonEnd };
  const horizonMs = parseOffsetDateTime(horizonEnd)?.ms ?? Number.POSITIVE_INFINITY;
  const minute = minuteOfDayOf(first.startMs, tz);
  const firstDate = localDateOf(first.startMs, tz);
  const occurrences = Array.from({ length: input.count }, (_, k): SeriesOccurrence => {
    const date = addDays(firstDate, k * input.everyWeeks * 7);
    // A repeated wall time (fall back) takes its first pass; a skipped one (spring forward)
    // does not exist that day: the occurrence is unavailable, with alternatives.
    const [instant] = k === 0 ? [first.startMs] : wallTimeToInstants(date, minute, tz);
    const startMs = instant ?? wallTimeToInstant(date, minute, tz, "start");
    if (instant !== undefined && instant >= horizonMs)
      throw new DomainError(
        "BAD_REQUEST",
        `${input.repeatField}.count: occurrence ${k + 1} (${date}) lies past the booking horizon (${horizonEnd})`,
      );
    const slots = (days.find((day) => day.date === date)?.slots ?? []).map((slot) =>
      overlaySlot(slot, liveOf(slot.staffId)),
    );
    const isFree = (state: AvailabilityState) => state === "available" || state === "viewing";
    const own = instant === undefined ? undefined : slots.find((s) => s.startMs === instant);
    const free = own !== undefined && isFree(own.state);
    const alternatives = free
      ? []
      : slots
          .filter((s) => isFree(s.state) && s.startMs !== instant)
          .sort((a, b) => Math.abs(a.startMs - startMs) - Math.abs(b.startMs - startMs))
          .slice(0, SERIES_ALTERNATIVES)
          .sort((a, b) => a.startMs - b.startMs)
          .map((s) => ({ startMs: s.startMs, start: s.start, end: s.end }));
    return {
      date,
      startMs,
      start: own?.start ?? formatInstant(startMs, tz),
      end: own?.end ?? null,
      free,
      state: own ? own.state : "unavailable",
      alternatives,
    };
  });
  return { occurrences, horizonEnd };
}

import type { DomainContext } from "../ports.ts";
import { type AvailabilityRequest, getAvailability } from "./get-availability.ts";

/** One local date of the month view. */
export interface AvailabilityDaySummary {
  date: string;
  /** Distinct start times at which at least one asked-for staff member is free. */
  freeCount: number;
  /** The earliest of them (ISO 8601 with the staff member's offset), or null. */
  firstFree: string | null;
}

/**
 * A slot counts as free when a customer could still take it: `available`, or `viewing` (someone
 * else looking at a time does not stop anyone from holding it). Held and booked times do not.
 */
const FREE_STATES = new Set(["available", "viewing"]);

/**
 * Per local date, how many start times are free and the first of them: the month view's answer.
 * It is the availability verb itself (the same engine, the same one SQL and one live-state round
 * trip, the same offers published), reduced before it leaves the worker, so a month for 10 staff
 * is a few kilobytes instead of a megabyte. With several staff members, a start free with two of
 * them counts once: the customer chooses a time, and "anyone" takes whoever is free.
 */
export async function summarizeAvailability({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: Omit<AvailabilityRequest, "clientId">;
}): Promise<AvailabilityDaySummary[]> {
  const days = await getAvailability({ ctx, input });
  return days.map((day) => {
    const starts = new Map<number, string>();
    for (const slot of day.slots) {
      if (FREE_STATES.has(slot.state) && !starts.has(slot.startMs)) {
        starts.set(slot.startMs, slot.start);
      }
    }
    let firstMs = Number.POSITIVE_INFINITY;
    for (const ms of starts.keys()) firstMs = Math.min(firstMs, ms);
    return { date: day.date, freeCount: starts.size, firstFree: starts.get(firstMs) ?? null };
  });
}

import { computeAvailability } from "../availability/compute-availability.ts";
import { engineQuery } from "../availability/get-availability.ts";
import type { DomainContext } from "../ports.ts";
import { formatWithOffset } from "../time/fixed-offset.ts";
import { addDays } from "../time/zoned-time.ts";

/**
 * Up to three free slots of the same service and staff member nearest to `startMs` (same local
 * date ± 1 day), for the details of a 409 SLOT_UNAVAILABLE. One SQL round trip, error path only.
 */
export async function nearbySlots(
  ctx: DomainContext,
  serviceId: string,
  staffId: string,
  startMs: number,
  offsetMin: number,
): Promise<string[]> {
  const date = formatWithOffset(startMs, offsetMin).slice(0, 10);
  const data = await ctx.availability
    .load({ serviceId, staffId, fromDate: addDays(date, -1), toDate: addDays(date, 1) })
    .catch(() => null);
  if (!data) return [];
  const days = computeAvailability(
    engineQuery(data, addDays(date, -1), addDays(date, 1), ctx.clock.nowMs()).query,
  );
  return days
    .flatMap((day) => day.slots)
    .filter((slot) => slot.state === "available")
    .sort((a, b) => Math.abs(a.startMs - startMs) - Math.abs(b.startMs - startMs))
    .slice(0, 3)
    .sort((a, b) => a.startMs - b.startMs)
    .map((slot) => slot.start);
}

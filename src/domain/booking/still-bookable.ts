/**
 * A hold token books only while its time is still bookable. A closure or a
 * day off added after the hold, or a clock now inside the minimum notice (or past the horizon),
 * refuses the booking. The check runs INSIDE the booking transaction, on the schedule, override,
 * closure and settings rows that transaction's catalog read returns, with the availability
 * engine's own rules (no second copy of the working-time logic).
 *
 * The slot grid is not re-checked: a hold granted on the grid of its day stays bookable if an
 * admin changes the slot interval meanwhile (the engine runs on the 5-minute cell grid, on which
 * every slot starts). Existing appointments are not its business either: the cells decide those.
 */

import { computeAvailability } from "../availability/compute-availability.ts";
import { engineQuery } from "../availability/get-availability.ts";
import { CELL_MS } from "../live/types.ts";
import { formatWithOffset } from "../time/fixed-offset.ts";
import { addDays, formatInstant } from "../time/zoned-time.ts";
import type { BookableCheck } from "./types.ts";

/**
 * The check for slots named with their UTC offsets (the staff member's at that instant): their
 * local dates in the staff member's zone are those dates or a neighbour, whatever the zone.
 */
export function stillBookable(
  slots: readonly { startMs: number; offsetMin: number }[],
  nowMs: number,
): BookableCheck {
  const named = slots.map((s) => formatWithOffset(s.startMs, s.offsetMin).slice(0, 10));
  const dates = [...new Set(named.flatMap((d) => [addDays(d, -1), d, addDays(d, 1)]))].sort();
  return {
    dates,
    check(data) {
      const staff = data.staff[0];
      if (!staff) return "the service or staff member is no longer offered";
      const zone = staff.timeZone ?? data.settings.timeZone;
      for (const slot of slots) {
        const date = formatInstant(slot.startMs, zone).slice(0, 10);
        const { query } = engineQuery({ ...data, staff: [staff] }, date, date, nowMs);
        const [day] = computeAvailability({ ...query, slotIntervalMin: CELL_MS / 60_000 });
        if (!day?.slots.some((s) => s.startMs === slot.startMs))
          return "the time is no longer bookable (working hours, closures, notice or horizon changed since the hold)";
      }
      return null;
    },
  };
}

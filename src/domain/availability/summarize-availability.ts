import { CELL_MS, type LiveCells } from "../live/types.ts";
import type { DomainContext } from "../ports.ts";
import { type AvailabilityRequest, loadLiveAvailability } from "./get-availability.ts";
import type { Slot } from "./types.ts";

/** One local date of the month view. */
export interface AvailabilityDaySummary {
  date: string;
  /** Distinct start times at which at least one asked-for staff member is free. */
  freeCount: number;
  /** The earliest of them (ISO 8601 with the staff member's offset), or null. */
  firstFree: string | null;
}

/**
 * Per local date, how many start times are free and the first of them: the month view's answer.
 * It is the availability verb itself (the same engine, the same one SQL and one live-state round
 * trip, the same offers published), counted instead of listed, so a month for 10 staff is a few
 * kilobytes instead of a megabyte. A slot counts as free when a customer could still take it:
 * `available`, or only being viewed (someone looking at a time does not stop anyone from holding
 * it); held and booked times do not. With several staff members, a start free with two of them
 * counts once: the customer chooses a time, and "anyone" takes whoever is free.
 */
export async function summarizeAvailability({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: Omit<AvailabilityRequest, "clientId">;
}): Promise<AvailabilityDaySummary[]> {
  const { days, liveOf } = await loadLiveAvailability({ ctx, input });
  return days.map((day) => {
    const starts = new Set<number>();
    let first: Slot | undefined;
    for (const slot of day.slots) {
      if (starts.has(slot.startMs) || !isFree(slot, liveOf(slot.staffId))) continue;
      starts.add(slot.startMs);
      if (!first || slot.startMs < first.startMs) first = slot;
    }
    return { date: day.date, freeCount: starts.size, firstFree: first?.start ?? null };
  });
}

/**
 * Whether a slot is still free: not booked, and no hold or booking in live state shares one of
 * its cells. The same rule as `overlaySlot`, without building the overlaid slot (a month of 10
 * staff is thousands of slots, and the summary needs only a yes or no for each).
 */
function isFree(slot: Slot, cells: readonly LiveCells[]): boolean {
  if (slot.state !== "available") return false;
  const cellStart = Math.floor(slot.occupiedStartMs / CELL_MS);
  const cellEnd = Math.ceil(slot.occupiedEndMs / CELL_MS);
  for (const entry of cells) {
    if (entry.kind === "viewing") continue;
    if (entry.cellStart < cellEnd && cellStart < entry.cellEnd) return false;
  }
  return true;
}

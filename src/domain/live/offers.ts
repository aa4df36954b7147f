/**
 * Between availability and live state: the offer bitmaps that let select and hold check a slot
 * without SQL, and the overlay of live cells onto computed slots.
 */
import type { AvailabilityDay, Slot } from "../availability/types.ts";
import { addDays, offsetMinutesAt, wallTimeToInstant } from "../time/zoned-time.ts";
import {
  CELL_MS,
  type LiveCells,
  type LiveKind,
  type OfferDay,
  type OfferOffset,
} from "./types.ts";

/**
 * The offered (available) starts of each date for one staff member, as bitmaps from local
 * midnight, with the staff member's offsets over the date (see OfferDay).
 */
export function offerDays(days: AvailabilityDay[], staffId: string, timeZone: string): OfferDay[] {
  return days.map((day) => {
    const baseMs = wallTimeToInstant(day.date, 0, timeZone, "start");
    // To the next local midnight, or the end of the date's last slot when that is later.
    let lastMs = wallTimeToInstant(addDays(day.date, 1), 0, timeZone, "start");
    const bits: number[] = [];
    for (const slot of day.slots) {
      if (slot.staffId !== staffId || slot.state !== "available") continue;
      const index = (slot.startMs - baseMs) / CELL_MS;
      if (Number.isInteger(index) && index >= 0) bits[index] = 1;
      if (slot.endMs > lastMs) lastMs = slot.endMs;
    }
    let hex = "";
    for (let i = 0; i < bits.length; i += 4) {
      hex += (
        ((bits[i] ?? 0) << 3) |
        ((bits[i + 1] ?? 0) << 2) |
        ((bits[i + 2] ?? 0) << 1) |
        (bits[i + 3] ?? 0)
      ).toString(16);
    }
    return {
      date: day.date,
      baseMs,
      bitmapHex: hex,
      offsets: offsetsOver(baseMs, lastMs, timeZone),
    };
  });
}

/**
 * The zone's offsets over [fromMs, toMs]: the one at fromMs and, when the offset at toMs differs,
 * the instant it changes (to the second). One change at most: the span is about a day (plus a
 * slot) and no tzdb zone changes its offset twice within it.
 */
function offsetsOver(fromMs: number, toMs: number, timeZone: string): OfferOffset[] {
  const first = offsetMinutesAt(fromMs, timeZone);
  const last = offsetMinutesAt(toMs, timeZone);
  if (first === last) return [{ fromMs, offsetMin: first }];
  // In whole seconds: the offset at second lo is `first`, at second hi it is not.
  let [lo, hi] = [Math.floor(fromMs / 1_000), Math.ceil(toMs / 1_000)];
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetMinutesAt(mid * 1_000, timeZone) === first) lo = mid;
    else hi = mid;
  }
  const changeMs = hi * 1_000;
  return [
    { fromMs, offsetMin: first },
    { fromMs: changeMs, offsetMin: offsetMinutesAt(changeMs, timeZone) },
  ];
}

export type AvailabilityState = "available" | "viewing" | "held" | "booked";

export interface LiveSlot extends Omit<Slot, "state"> {
  state: AvailabilityState;
  /** The state comes from the asking client's own hold or marker. */
  mine: boolean;
}

const RANK: Record<AvailabilityState, number> = { available: 0, viewing: 1, held: 2, booked: 3 };

/**
 * A slot's state from the caller's point of view: booked > held > viewing > available; between
 * equals, another client's entry wins over the caller's own (others' presence is the news).
 */
export function overlaySlot(slot: Slot, cells: readonly LiveCells[]): LiveSlot {
  let state: AvailabilityState = slot.state;
  let mine = false;
  const cellStart = Math.floor(slot.occupiedStartMs / CELL_MS);
  const cellEnd = Math.ceil(slot.occupiedEndMs / CELL_MS);
  for (const entry of cells) {
    if (entry.cellStart >= cellEnd || cellStart >= entry.cellEnd) continue;
    const kind: LiveKind = entry.kind;
    if (RANK[kind] > RANK[state] || (RANK[kind] === RANK[state] && mine && !entry.mine)) {
      state = kind;
      mine = entry.mine;
    }
  }
  return { ...slot, state, mine };
}

/**
 * Where offers are published and checked: the service's shared scope, or a reschedule's private
 * one (see reschedule-of.ts), which only the credential that read that availability can name.
 */
export function offerScope(
  serviceId: string,
  reschedule: { offerTag: string } | null | undefined,
): string {
  return reschedule ? `${serviceId}:r:${reschedule.offerTag}` : serviceId;
}

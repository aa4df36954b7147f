import { getAvailability } from "../availability/get-availability.ts";
import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import type { RescheduleOf } from "./reschedule-of.ts";
import { candidateDates } from "./stored-offer.ts";
import type { SlotRef } from "./types.ts";

/**
 * Offers are a cache: availability publishes them so that select and hold need no SQL. When the
 * live-state store has none for a slot (older than 15 minutes, or published to the other store
 * before a failover), this recomputes availability for the slots' dates (one SQL read) and so
 * publishes them again; the caller then retries once. Only the "not offered" path pays for it:
 * a slot that availability does not offer stays refused.
 *
 * Returns false when nothing could be republished (no such service or staff member, dates out
 * of range): the original refusal stands. With `rescheduleOf`, the offers go to that
 * reschedule's private scope, and a wrong credential is the answer (404).
 */
export async function republishOffers(
  ctx: DomainContext,
  serviceId: string,
  staffId: string,
  slots: readonly SlotRef[],
  rescheduleOf?: RescheduleOf,
): Promise<boolean> {
  // The dates the stores look a slot up under: the staff member's date of it is one of them.
  const dates = [...new Set(slots.flatMap(candidateDates))].sort();
  const [first, last] = [dates[0], dates[dates.length - 1]];
  if (first === undefined || last === undefined) return false;
  try {
    await getAvailability({
      ctx,
      input: {
        serviceId,
        staffId,
        fromDate: first,
        toDate: last,
        // Only the slots' dates: a series' slots lie weeks apart, beyond one availability read.
        pickDates: () => dates,
        ...(rescheduleOf ? { rescheduleOf } : {}),
      },
    });
    return true;
  } catch (error) {
    // A reschedule's credential was checked here for the first time: its refusal is the answer.
    if (
      rescheduleOf &&
      error instanceof DomainError &&
      error.message.startsWith(rescheduleOf.field)
    )
      throw error;
    if (error instanceof DomainError) return false;
    throw error;
  }
}

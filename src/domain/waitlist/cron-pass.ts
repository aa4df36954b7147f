/**
 * The Cron Trigger's waitlist pass: entries past their date expire; then every free time on a
 * date someone waits for is offered to the first person waiting for it (offer.ts). This is how
 * a hold that lapsed unbooked, or an offer nobody booked, reaches the list: at the next run (until
 * then anyone may take the time). Bounded per run; what is left waits for the next minute.
 */
import { loadLiveAvailability } from "../availability/get-availability.ts";
import { DomainError } from "../errors.ts";
import { overlaySlot } from "../live/offers.ts";
import type { DomainContext } from "../ports.ts";
import { offerFreedTime } from "./offer.ts";

const EXPIRE_LIMIT = 500;
const GROUP_LIMIT = 50;
const OFFERS_PER_RUN = 50;

export async function runWaitlistPass(
  ctx: DomainContext,
): Promise<{ expired: number; offered: number; offers: { entryId: string; holdId: string }[] }> {
  const nowMs = ctx.clock.nowMs();
  const expired = await ctx.waitlist.expire(nowMs, EXPIRE_LIMIT);
  const groups = await ctx.waitlist.waitingGroups(nowMs, GROUP_LIMIT);
  let offered = 0;
  const offers: { entryId: string; holdId: string }[] = [];
  const settings = groups.length > 0 ? await ctx.catalog.getSettings() : null;
  for (const group of groups) {
    if (offered >= OFFERS_PER_RUN || !settings) break;
    let loaded: Awaited<ReturnType<typeof loadLiveAvailability>>;
    try {
      loaded = await loadLiveAvailability({
        ctx,
        input: {
          serviceId: group.serviceId,
          ...(group.staffId !== null ? { staffId: group.staffId } : {}),
          fromDate: group.date,
          toDate: group.date,
        },
      });
    } catch (error) {
      // The service or staff member is gone or inactive: nothing to offer.
      if (error instanceof DomainError) continue;
      throw error;
    }
    const free = loaded.days
      .flatMap((day) => day.slots)
      .filter((slot) => overlaySlot(slot, loaded.liveOf(slot.staffId)).state === "available");
    for (const slot of free) {
      if (offered >= OFFERS_PER_RUN) break;
      const staff = await ctx.catalog.getStaff(slot.staffId);
      const outcome = await offerFreedTime(ctx, {
        serviceId: group.serviceId,
        staffId: slot.staffId,
        startMs: slot.startMs,
        timeZone: staff?.timeZone ?? settings.timeZone,
        appointmentId: null,
      });
      if (outcome.kind === "offered") {
        offered++;
        offers.push({ entryId: outcome.entryId, holdId: outcome.holdId });
      }
    }
  }
  return { expired, offered, offers };
}

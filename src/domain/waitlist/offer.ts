/**
 * Offering a freed time to the first person waiting: a real hold in the live store, owned by the
 * offer, lasting `waitlistOfferTtlS`, and an email whose link books it
 * (docs/adr/0315-waitlist-offers-hold-the-freed-time.md, 0316, 0317).
 *
 * Who gets it: the waiting entries for the same service, that staff member or anyone, the slot's
 * local date and window, first confirmed first, that have no live offer of their own and were
 * never offered this very time. The offer's row in MySQL (primary key entry, staff member, start)
 * is written before the hold, so two runners that pick the same entry make one offer; the hold
 * is exclusive in the live store, so two runners that pick different entries make one offer too
 * (the other's hold is refused and its row removed).
 */
import { loadLiveAvailability } from "../availability/get-availability.ts";
import type { Appointment } from "../booking/types.ts";
import { base64url, hmacSha256 } from "../crypto.ts";
import { waitlistOfferEmail } from "../email/templates.ts";
import { DomainError } from "../errors.ts";
import { overlaySlot } from "../live/offers.ts";
import { holdSlots } from "../live/hold-slots.ts";
import type { LiveReschedule } from "../live/reschedule-of.ts";
import { deliverSoon } from "../outbox/deliver.ts";
import type { DomainContext } from "../ports.ts";
import { localDateOf } from "../time/zoned-time.ts";
import type { WaitlistEntry } from "./types.ts";
import { entryToken, inWindow, leaveUrl } from "./waitlist.ts";

/** How long a claimed offer's row keeps its entry out of other offers while its hold is made. */
const CLAIM_MS = 60_000;

/** The freed time: one slot of one staff member and service. */
export interface FreedTime {
  serviceId: string;
  staffId: string;
  startMs: number;
  /** The staff member's zone: the entries' dates and windows are read in it. */
  timeZone: string;
  /** A cancelled (or moved) appointment whose own cells and live entry must not block the offer. */
  appointmentId: string | null;
}

export type OfferOutcome =
  | { kind: "offered"; entryId: string; holdId: string }
  | { kind: "nobody" }
  | { kind: "taken" };

/**
 * The private offer scope of one offer: published with the offer's hold TTL and checked by its
 * hold only. Keyed by the hold-token secret so nobody can name it from outside.
 */
async function offerScope(
  ctx: DomainContext,
  entryId: string,
  time: FreedTime,
): Promise<LiveReschedule> {
  const digest = await hmacSha256(
    ctx.secrets.holdTokenKey,
    `waitlist-offer:${entryId}:${time.staffId}:${time.startMs}`,
  );
  return { appointmentId: time.appointmentId ?? "", offerTag: base64url(digest.slice(0, 16)) };
}

/**
 * Offers one freed time to the first entry waiting for it, if any. When nobody waits this costs
 * one read. Otherwise under the freed time's lock: two runners (a cancel and a cron, two crons,
 * two isolates) take turns, and the one holding it picks the first entry from a fresh read, so
 * the order is kept even when they race.
 */
export async function offerFreedTime(ctx: DomainContext, time: FreedTime): Promise<OfferOutcome> {
  const date = localDateOf(time.startMs, time.timeZone);
  const firstWaiting = async () => {
    const candidates = await ctx.waitlist.candidates({
      serviceId: time.serviceId,
      staffId: time.staffId,
      date,
      startMs: time.startMs,
      nowMs: ctx.clock.nowMs(),
      limit: 50,
    });
    return candidates.find((e) => inWindow(e, time.startMs, time.timeZone)) ?? null;
  };
  if ((await firstWaiting()) === null) return { kind: "nobody" };
  const nowMs = ctx.clock.nowMs();
  const slot = { staffId: time.staffId, startMs: time.startMs };
  if (
    !(await ctx.waitlist.lockSlot({
      ...slot,
      serviceId: time.serviceId,
      nowMs,
      untilMs: nowMs + CLAIM_MS,
    }))
  )
    return { kind: "taken" };
  try {
    const entry = await firstWaiting();
    if (!entry) return { kind: "nobody" };
    return await offerTo(ctx, entry, time, date);
  } finally {
    await ctx.waitlist.unlockSlot({ ...slot, nowMs: ctx.clock.nowMs() }).catch(() => undefined);
  }
}

async function offerTo(
  ctx: DomainContext,
  entry: WaitlistEntry,
  time: FreedTime,
  date: string,
): Promise<OfferOutcome> {
  const nowMs = ctx.clock.nowMs();
  const key = { entryId: entry.id, staffId: time.staffId, startMs: time.startMs };
  if (
    !(await ctx.waitlist.claimOffer({
      ...key,
      serviceId: time.serviceId,
      nowMs,
      untilMs: nowMs + CLAIM_MS,
    }))
  )
    return { kind: "taken" };
  try {
    const [settings, service, staff] = await Promise.all([
      ctx.catalog.getSettings(),
      ctx.catalog.getService(time.serviceId),
      ctx.catalog.getStaff(time.staffId),
    ]);
    if (!service || !staff) throw new DomainError("NOT_FOUND", "the service or staff is gone");
    const scope = await offerScope(ctx, entry.id, time);
    // Publishes this day's offer to the private scope with the offer's TTL; the cancelled
    // appointment's cells do not count (its commit freed them anyway).
    const { days } = await loadLiveAvailability({
      ctx,
      input: { serviceId: time.serviceId, staffId: time.staffId, fromDate: date, toDate: date },
      offerFor: { scope, holdTtlS: settings.waitlistOfferTtlS },
    });
    const slot = days
      .flatMap((day) => day.slots)
      .find((s) => s.startMs === time.startMs && s.staffId === time.staffId);
    if (!slot || overlaySlot(slot, []).state !== "available")
      throw new DomainError("SLOT_UNAVAILABLE", "the freed time is not bookable");
    const hold = await holdSlots({
      ctx,
      input: {
        clientId: `waitlist:${entry.id}`,
        slots: [{ serviceId: time.serviceId, staffId: time.staffId, start: slot.start }],
        field: "waitlist",
        ipGroup: `waitlist:${entry.id}`,
        offerScope: scope,
      },
    });
    const token = await entryToken(ctx, entry.id);
    const base = ctx.deployment.publicBaseUrl;
    // The credentials first; then what the page shows before anything is booked (service,
    // time, until when it is kept). Those are display facts only: booking checks the hold.
    const bookUrl = `${base}/waitlist?id=${encodeURIComponent(entry.id)}&action=book&hold=${encodeURIComponent(hold.holdId)}&htoken=${encodeURIComponent(hold.holdToken)}&token=${encodeURIComponent(token)}&svc=${encodeURIComponent(time.serviceId)}&start=${encodeURIComponent(slot.start)}&until=${encodeURIComponent(new Date(hold.expiresAtMs).toISOString())}`;
    const message = waitlistOfferEmail({
      to: entry.email,
      name: entry.name,
      locale: entry.locale,
      facts: {
        businessName: settings.businessName,
        serviceName: service.name,
        staffName: staff.name,
        priceMinor: service.price.amountMinor,
        currency: service.price.currency,
      },
      time: { startMs: slot.startMs, endMs: slot.endMs, timeZone: time.timeZone },
      heldUntilMs: hold.expiresAtMs,
      bookUrl,
      leaveUrl: leaveUrl(ctx, entry.id, token),
    });
    await ctx.waitlist.settleOffer({
      ...key,
      holdId: hold.holdId,
      expiresAtMs: hold.expiresAtMs,
      message,
      nowMs: ctx.clock.nowMs(),
    });
    deliverSoon(ctx, { emailIds: [message.id], eventIds: [] });
    return { kind: "offered", entryId: entry.id, holdId: hold.holdId };
  } catch (error) {
    // Someone else holds or booked the time (or it is no longer offered): no offer, and the
    // entry may be offered this time again should it free up later.
    await ctx.waitlist.dropOffer(key).catch(() => undefined);
    if (error instanceof DomainError) return { kind: "taken" };
    throw error;
  }
}

/**
 * The cancel's (or move's) part: offered inside the request, after the commit and before the
 * cancelled appointment's live entry is cleared, so the time never shows free to anyone else.
 * Never fails the cancel: a failure leaves the time to the next cron run.
 */
export async function offerCancelledTime(
  ctx: DomainContext,
  appointment: Appointment,
): Promise<void> {
  try {
    await offerFreedTime(ctx, {
      serviceId: appointment.serviceId,
      staffId: appointment.staffId,
      startMs: appointment.startMs,
      timeZone: appointment.timeZone,
      appointmentId: appointment.id,
    });
  } catch (error) {
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "waitlist offer on cancel failed; the cron run tries again",
        appointmentId: appointment.id,
        error: String(error),
      }),
    );
  }
}

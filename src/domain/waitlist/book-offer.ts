/**
 * Booking an offer in one step: the link in the offer's email carries the entry's token, the
 * hold id and the hold's signed token; the booking is the normal one (bookAppointment), for the
 * entry's name and email, with an Idempotency-Key derived from the hold (a second click answers
 * the same booking).
 */
import { bookAppointment } from "../booking/book-appointment.ts";
import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { entryFor } from "./waitlist.ts";

export async function bookWaitlistOffer({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; token: string; holdId: string; holdToken: string };
}) {
  const entry = await entryFor(ctx, input.id, input.token);
  const offer = await ctx.waitlist.offerOf(entry.id, input.holdId);
  if (!offer || (entry.status !== "waiting" && entry.status !== "booked"))
    throw new DomainError("NOT_FOUND", "body.holdId: no offer of this entry holds it");
  const booking = await bookAppointment({
    ctx,
    input: {
      idempotencyKey: `waitlist:${input.holdId}`,
      holdId: input.holdId,
      holdToken: input.holdToken,
      customer: { name: entry.name, email: entry.email, phone: null },
      notes: "",
      locale: entry.locale,
      answers: {},
    },
  });
  await ctx.waitlist.markBooked({
    entryId: entry.id,
    staffId: offer.staffId,
    startMs: offer.startMs,
    nowMs: ctx.clock.nowMs(),
  });
  return booking;
}

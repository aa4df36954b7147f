/**
 * The customer's own appointment, proved by its manage token (the customer's session arrives
 * with the sign-in issue). Anyone else gets 404, never 403, so ids leak nothing.
 */

import { resolveSession } from "../auth/sign-in.ts";
import { secretsEqual } from "../crypto.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import { hashToken } from "../live/tokens.ts";
import { offerCancelledTime } from "../waitlist/offer.ts";
import type { DomainContext } from "../ports.ts";
import { formatInstant } from "../time/zoned-time.ts";
import { announceCancel, announceReschedule, recorded } from "./announce.ts";
import { beginFromHold, holdSpent, pastCap, resolveHold } from "./book-appointment.ts";
import { nearbySlots } from "./nearby-slots.ts";
import { presentAppointment } from "./present.ts";
import { derivedManageToken } from "./recover-manage-token.ts";
import { stillBookable } from "./still-bookable.ts";
import type { Appointment, CancelScope } from "./types.ts";

/**
 * The freed time goes first to the waitlist (its offer's hold is made while the live booked
 * entry still blocks everyone else), then stops showing as booked in live state. Best effort:
 * MySQL already says it is free, and the live entry lapses with the offer TTL anyway.
 * `waitlisted`: the freed appointments someone may be waiting for, as the store's locking read
 * found them; the others cost nothing more.
 */
export async function forgetBooked(
  ctx: DomainContext,
  appointment: Appointment,
  all: Appointment[],
  waitlisted: readonly string[],
): Promise<void> {
  // The freed times go to the waitlist first, so their offers' holds exist before the
  // cancelled appointments leave the live state (docs/adr/0315-waitlist-offers-hold-the-freed-time.md).
  for (const a of all) if (waitlisted.includes(a.id)) await offerCancelledTime(ctx, a);
  await ctx.liveState
    .clearBooked({
      staffId: appointment.staffId,
      appointmentIds: all.map((a) => a.id),
      nowMs: ctx.clock.nowMs(),
    })
    .catch(() => undefined);
}

/**
 * Inside the cut-off: its own code, and the instant the cut-off began (in the staff member's
 * offset, as the appointment's times), so that a client can disable the button ahead of time.
 */
function cutoffPassed(appointment: Appointment, cutoffMs: number, verb: string): DomainError {
  return new DomainError(
    "CUTOFF_PASSED",
    `id: appointments can be ${verb} until ${cutoffMs / 60_000} minutes before they start`,
    { details: { cutoffAt: formatInstant(appointment.startMs - cutoffMs, appointment.timeZone) } },
  );
}

function notFound(): DomainError {
  return new DomainError("NOT_FOUND", "id: no such appointment for this token");
}

/** Who asks: the appointment's manage token, or the customer's session. */
export interface Credential {
  manageToken?: string | undefined;
  sessionToken?: string | undefined;
}

/**
 * The check of a credential against an appointment: its manage token, or its customer's session
 * (resolved here, so an invalid session is refused before any appointment is read).
 */
async function credentialCheck(
  ctx: DomainContext,
  credential: Credential,
): Promise<(appointment: Appointment & { manageTokenHash: string }) => Promise<boolean>> {
  if (credential.manageToken !== undefined) {
    const hash = await hashToken(credential.manageToken);
    return (appointment) => secretsEqual(hash, appointment.manageTokenHash);
  }
  if (credential.sessionToken !== undefined) {
    const email = await resolveSession(ctx, credential.sessionToken);
    return async (appointment) => email === appointment.customer.email;
  }
  return async () => false;
}

/** The appointment when the credential is its own: its manage token, or its customer's session. */
export async function authorized(
  ctx: DomainContext,
  id: string,
  credential: Credential,
): Promise<Appointment & { manageTokenHash: string }> {
  const check = await credentialCheck(ctx, credential);
  const [appointment] = await ctx.bookings.getAppointments([id]);
  if (appointment && (await check(appointment))) return appointment;
  throw notFound();
}

export async function getAppointment({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string } & Credential;
}) {
  return presentAppointment(await authorized(ctx, input.id, input));
}

export async function cancelAppointment({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; scope?: CancelScope } & Credential;
}) {
  // The credential is checked on the row the cancel locks: no read before the transaction.
  const authorize = await credentialCheck(ctx, input);
  const announcement = recorded(announceCancel(ctx));
  const outcome = await ctx.bookings.cancel({
    id: input.id,
    nowMs: ctx.clock.nowMs(),
    cutoffMs: "settings",
    authorize,
    announce: announcement.announce,
    ...(input.scope ? { scope: input.scope } : {}),
  });
  if (outcome.kind === "not-found") throw notFound();
  if (outcome.kind === "not-confirmed")
    throw new DomainError("CONFLICT", "id: the appointment is already cancelled");
  if (outcome.kind === "too-late")
    throw cutoffPassed(outcome.appointment, outcome.cutoffMs, "cancelled");
  announcement.deliver(ctx);
  await forgetBooked(ctx, outcome.appointment, outcome.appointments, outcome.waitlisted);
  return {
    appointment: presentAppointment(outcome.appointment),
    appointments: outcome.appointments.map(presentAppointment),
    left: outcome.left.map((a) => ({
      ...presentAppointment(a),
      // The instant its own cut-off began: the start minus the business's cancel cut-off.
      cutoffAt: formatInstant(a.startMs - (outcome.cutoffMs ?? 0), a.timeZone),
    })),
  };
}

/**
 * Moves the appointment to the held slot in ONE transaction: the old one is cancelled and its
 * cells freed, the new one booked (its cells claimed), or nothing changes. The manage token
 * stays the same. With scope `following` or `all`, the series' occurrences in scope move onto
 * the hold's times in order (docs/adr/0318-moving-a-series.md). The credential is judged on the
 * row the transaction reads: no read before it.
 */
export async function rescheduleAppointment({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; holdId: string; holdToken: string; scope?: CancelScope } & Credential;
}) {
  const check = await credentialCheck(ctx, input);
  const hold = await resolveHold(ctx, input.holdId, input.holdToken);
  const nowMs = ctx.clock.nowMs();
  if (pastCap(hold, nowMs)) throw holdSpent("capped");
  const appointmentIds = hold.startsMs.map(() => newId("apt"));
  let manageToken: string | null = null;
  const announcement = recorded(announceReschedule(ctx, () => manageToken));
  const begin = await beginFromHold(ctx, hold, appointmentIds, null, nowMs, input.id);
  if (begin.kind === "wrong-token")
    throw new DomainError("NOT_FOUND", "holdId: no such hold for this token");
  if (begin.kind === "released") throw holdSpent("released");
  if (begin.kind === "held")
    throw new DomainError("SLOT_HELD", "holdId: another client holds this slot", {
      details: { heldUntil: new Date(begin.untilMs).toISOString() },
    });
  if (begin.kind !== "ok")
    throw new DomainError("SLOT_UNAVAILABLE", "holdId: the slot was booked meanwhile");
  // Best effort: if the live-state store cannot take the undo either, its booked entries
  // lapse by themselves (after the offer TTL) and MySQL still holds nothing.
  const undo = () =>
    ctx.liveState
      .abortBooking({
        staffId: hold.staffId,
        idempotencyKeyHash: null,
        appointmentIds,
        restore: begin.restore,
        nowMs: ctx.clock.nowMs(),
      })
      .catch((error: unknown) => {
        console.warn(
          JSON.stringify({ level: "warn", msg: "booking undo failed", error: String(error) }),
        );
      });
  const outcome = await ctx.bookings
    .book({
      staffId: hold.staffId,
      serviceId: hold.claim.serviceId,
      appointmentIds,
      startsMs: hold.startsMs,
      idempotency: null,
      nowMs,
      announce: announcement.announce,
      bookable: stillBookable(hold.claim.slots, nowMs),
      // The cut-off comes from the settings the transaction reads: no statement of its own.
      replaces: {
        appointmentId: input.id,
        cutoffMs: "settings",
        ...(input.scope ? { scope: input.scope } : {}),
        authorize: async (replaced) => {
          if (!(await check(replaced))) return false;
          manageToken = input.manageToken ?? (await derivedManageToken(ctx, replaced));
          return true;
        },
      },
    })
    .catch(async (error: unknown) => {
      await undo();
      throw new DomainError(
        "STORE_UNAVAILABLE",
        "The booking store is unavailable; nothing was changed.",
        { cause: error },
      );
    });
  if (outcome.kind === "booked") {
    announcement.deliver(ctx);
    const [named = outcome.replaced[0]] = outcome.replaced.filter((a) => a.id === input.id);
    if (named) await forgetBooked(ctx, named, outcome.replaced, outcome.waitlisted);
    return {
      appointments: outcome.appointments.map(presentAppointment),
      replaced: outcome.replaced.map(presentAppointment),
    };
  }
  await undo();
  throw await moveRefusal(ctx, outcome, hold, nowMs, input.scope ?? "one");
}

/** Why a customer's move changed nothing, as the error its answer carries. */
async function moveRefusal(
  ctx: DomainContext,
  outcome: Exclude<Awaited<ReturnType<DomainContext["bookings"]["book"]>>, { kind: "booked" }>,
  hold: Awaited<ReturnType<typeof resolveHold>>,
  nowMs: number,
  scope: CancelScope,
): Promise<DomainError> {
  switch (outcome.kind) {
    case "slot-taken":
      return new DomainError(
        "SLOT_UNAVAILABLE",
        "holdId: the new time was booked meanwhile; nothing changed",
        {
          details: {
            nearby: await nearbySlots(
              ctx,
              hold.claim.serviceId,
              hold.staffId,
              hold.startsMs[0] ?? nowMs,
              hold.claim.slots[0]?.offsetMin ?? 0,
            ),
          },
        },
      );
    case "too-late":
      // A series move is refused whole when one of its occurrences is inside the cut-off.
      return cutoffPassed(outcome.appointment, outcome.cutoffMs, "moved");
    case "replaced-not-found":
      return notFound();
    case "replaced-not-confirmed":
      return new DomainError("CONFLICT", "id: the appointment is no longer confirmed");
    case "wrong-count":
      return new DomainError(
        "BAD_REQUEST",
        `holdId: scope ${scope} moves ${outcome.occurrences} occurrence(s), but the hold has ${outcome.times} time(s): hold one time per occurrence`,
      );
    default:
      return new DomainError(
        "SLOT_UNAVAILABLE",
        `holdId: ${"reason" in outcome ? outcome.reason : "the slot can no longer be booked"}`,
      );
  }
}

/**
 * POST /v1/appointments: one Redis round trip (begin_booking) and one SQL transaction on the
 * success path. Redis says whether someone else holds the slot and claims the Idempotency-Key;
 * MySQL decides: its cells make an overlapping booking impossible.
 */
import { checkAnswers } from "../catalog/questions.ts";
import { sha256Hex } from "../crypto.ts";
import { DomainError, OverloadedError } from "../errors.ts";
import { newId } from "../ids.ts";
import { holdCredential } from "../live/hold-credential.ts";
import { manageTokenFor as deriveManageToken } from "../live/hold-token.ts";
import { hashToken, isSeriesHoldKey } from "../live/tokens.ts";
import type { BeginBookingOutcome } from "../live/types.ts";
import type { DomainContext } from "../ports.ts";
import { announceBooking, recorded } from "./announce.ts";
import { nearbySlots } from "./nearby-slots.ts";
import { type PresentedAppointment, presentAppointment } from "./present.ts";
import { stillBookable } from "./still-bookable.ts";
import type { Customer } from "./types.ts";
import type { Locale } from "../settings/settings.ts";

export interface BookRequest {
  idempotencyKey: string;
  holdId: string;
  holdToken: string;
  customer: Customer;
  notes: string;
  /** The language the request asked for (body or Accept-Language); null: the business default. */
  locale: Locale | null;
  /** By question id; checked against the service's questions inside the booking transaction. */
  answers: Record<string, unknown>;
}

export interface Booking {
  appointments: PresentedAppointment[];
  manageToken: string;
  replayed: boolean;
}

function holdNotFound(): DomainError {
  return new DomainError("NOT_FOUND", "holdId: no such hold for this token");
}

/** A hold past its cap, or released, books nothing: its token's claim is spent. */
export function holdSpent(why: "capped" | "released"): DomainError {
  return new DomainError(
    "HOLD_EXPIRED",
    why === "capped"
      ? "holdId: the hold ended at its extension cap; hold the time again"
      : "holdId: the hold was released; hold the time again",
  );
}

/** The hold's cap (in its token) has passed. */
export function pastCap(hold: Awaited<ReturnType<typeof resolveHold>>, nowMs: number): boolean {
  return nowMs > hold.claim.capAtMs;
}

/** Verifies the hold token and that it belongs to the hold id: the claim says which slots. */
export async function resolveHold(ctx: DomainContext, holdId: string, holdToken: string) {
  // A token signed before a rotation still verifies with the previous secret, while it lives.
  const credential = await holdCredential(ctx.secrets, holdId, holdToken);
  if (!credential) throw holdNotFound();
  return { ...credential, startsMs: credential.claim.slots.map((slot) => slot.startMs) };
}

/** Redis's half of a booking, for the slots the hold token claims (lua/begin_booking.lua). */
export function beginFromHold(
  ctx: DomainContext,
  hold: Awaited<ReturnType<typeof resolveHold>>,
  appointmentIds: string[],
  idempotency: { keyHash: string; bodyHash: string } | null,
  nowMs: number,
  movingId: string | null = null,
): Promise<BeginBookingOutcome> {
  return ctx.liveState.beginBooking({
    staffId: hold.staffId,
    holdKey: hold.holdKey,
    tokenHash: hold.tokenHash,
    holders: hold.claim.holders,
    clientTag: "",
    idempotency,
    slots: hold.claim.slots.map((slot, i) => ({
      ...slot,
      appointmentId: appointmentIds[i] ?? "",
    })),
    // A hold made to move this very appointment: its own booked entry does not block.
    ignoreBookedId: movingId !== null && hold.claim.rescheduleOf === movingId ? movingId : null,
    nowMs,
  });
}

/**
 * The stored form of an Idempotency-Key, scoped to the hold it books: a key someone guessed or
 * reused for another hold is a different record, so it can never push this hold's booking into
 * 409. (A hold id has no ':', so the concatenation is unambiguous.)
 */
export function idempotencyKeyHash(holdId: string, idempotencyKey: string): Promise<string> {
  return sha256Hex(`idempotency:${holdId}:${idempotencyKey}`);
}

/**
 * The key of the record a hold token's booking leaves (beside its Idempotency-Key's): which
 * appointments this hold booked. Only a caller that presents the token (verified first) finds it.
 */
export function holdBookingHash(holdId: string, tokenHash: string): Promise<string> {
  return sha256Hex(`hold-booking:${holdId}:${tokenHash}`);
}

export async function bookAppointment({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: BookRequest;
}): Promise<Booking> {
  const hold = await resolveHold(ctx, input.holdId, input.holdToken);
  const keyHash = await idempotencyKeyHash(input.holdId, input.idempotencyKey);
  const holdHash = await holdBookingHash(input.holdId, hold.tokenHash);
  // Without answers the hash is the one bookings made before answers existed had.
  const answered = Object.keys(input.answers).length > 0 ? [input.answers] : [];
  const bodyHash = await sha256Hex(
    JSON.stringify([input.holdId, input.holdToken, input.customer, input.notes, ...answered]),
  );
  const nowMs = ctx.clock.nowMs();
  // When the hold is gone, a booking this token made (with this key or any other) is the answer.
  const orBooked = async (refusal: DomainError): Promise<Booking> => {
    if (await ctx.bookings.findIdempotencyRecord(keyHash)) return replay(ctx, keyHash, bodyHash);
    const booked = await bookedByHold(ctx, holdHash);
    if (booked) return booked;
    throw refusal;
  };
  if (pastCap(hold, nowMs)) return orBooked(holdSpent("capped"));
  const appointmentIds = hold.startsMs.map(() => newId("apt"));
  const begin = await beginFromHold(ctx, hold, appointmentIds, { keyHash, bodyHash }, nowMs);
  if (begin.kind === "idempotency-seen") return replay(ctx, keyHash, bodyHash);
  if (begin.kind === "idempotency-conflict") throw idempotencyConflict();
  if (begin.kind === "wrong-token") throw holdNotFound();
  if (begin.kind === "released") throw holdSpent("released");
  if (begin.kind === "held" || begin.kind === "booked") {
    // After the 60-second claim lapses, a replay meets its own booking's entries: MySQL's
    // idempotency record tells a replay (same 201, or 409 for another body) from a real conflict,
    // and the hold's record a retry with another key from a slot someone else took.
    return orBooked(refusal(begin));
  }

  // Derived from the earliest occurrence's id: the one the booking store finds again as the
  // token's origin when a move needs the links (booking-repo.ts, TOKEN_ORIGIN_ORDER).
  const earliest = hold.startsMs.indexOf(Math.min(...hold.startsMs));
  const manageToken = await manageTokenFor(ctx, appointmentIds[earliest] ?? "");
  // Best effort: if the live-state store cannot take the undo either, its booked entries
  // lapse by themselves (after the offer TTL) and MySQL still holds nothing.
  const undo = () =>
    ctx.liveState
      .abortBooking({
        staffId: hold.staffId,
        idempotencyKeyHash: keyHash,
        appointmentIds,
        restore: begin.restore,
        nowMs: ctx.clock.nowMs(),
      })
      .catch((error: unknown) => {
        console.warn(
          JSON.stringify({ level: "warn", msg: "booking undo failed", error: String(error) }),
        );
      });
  const announcement = recorded(announceBooking(ctx, manageToken));
  let outcome: Awaited<ReturnType<DomainContext["bookings"]["book"]>>;
  try {
    outcome = await ctx.bookings.book({
      staffId: hold.staffId,
      serviceId: hold.claim.serviceId,
      appointmentIds,
      startsMs: hold.startsMs,
      // A series hold (its key says so) links its appointments.
      seriesId: isSeriesHoldKey(hold.holdKey) && hold.startsMs.length > 1 ? newId("ser") : null,
      customer: input.customer,
      notes: input.notes,
      locale: input.locale,
      answers: (questions) => checkAnswers(questions, input.answers),
      manageTokenHash: await hashToken(manageToken),
      idempotency: { keyHash, bodyHash, holdHash },
      nowMs,
      announce: announcement.announce,
      bookable: stillBookable(hold.claim.slots, nowMs),
    });
  } catch (error) {
    await undo();
    // The booking store was busy and ran nothing (it said so): 503 OVERLOADED, retry later.
    if (error instanceof OverloadedError) throw error;
    throw new DomainError(
      "STORE_UNAVAILABLE",
      // A lost COMMIT answer is indistinguishable from a failure: the key makes the retry safe.
      "The booking store did not answer. Retry with the same Idempotency-Key: a booking is made at most once.",
      { cause: error },
    );
  }
  if (outcome.kind === "booked") {
    announcement.deliver(ctx);
    return {
      appointments: outcome.appointments.map(presentAppointment),
      manageToken,
      replayed: false,
    };
  }
  await undo();
  if (outcome.kind === "no-show-limit") {
    throw new DomainError(
      "NO_SHOW_LIMIT",
      `customer.email: ${outcome.count} no-shows in the last ${outcome.limit.days} days reach the business's limit of ${outcome.limit.count}; please contact the business to book`,
    );
  }
  if (outcome.kind === "bad-answers")
    throw new DomainError("BAD_REQUEST", `body.${outcome.field}: ${outcome.message}`);
  if (outcome.kind === "idempotency-used") {
    // The key's record, or else the hold's: this hold was booked with another key.
    if (await ctx.bookings.findIdempotencyRecord(keyHash)) return replay(ctx, keyHash, bodyHash);
    return orBooked(idempotencyConflict());
  }
  if (outcome.kind === "slot-taken") {
    const details = {
      nearby: await nearbySlots(
        ctx,
        hold.claim.serviceId,
        hold.staffId,
        hold.startsMs[0] ?? nowMs,
        hold.claim.slots[0]?.offsetMin ?? 0,
      ),
    };
    if (!begin.ownHold)
      return orBooked(
        new DomainError(
          "HOLD_EXPIRED",
          "holdId: the hold expired and the slot has been booked since",
          {
            details,
          },
        ),
      );
    throw new DomainError("SLOT_UNAVAILABLE", "holdId: the slot was booked meanwhile", { details });
  }
  throw new DomainError(
    "SLOT_UNAVAILABLE",
    `holdId: ${"reason" in outcome ? outcome.reason : "the slot can no longer be booked"}`,
  );
}

function idempotencyConflict(): DomainError {
  return new DomainError(
    "IDEMPOTENCY_CONFLICT",
    "header.idempotency-key: already used with another request body",
  );
}

/** Someone else holds or has just booked the slot; 410 when the caller's own hold is gone. */
function refusal(begin: Extract<BeginBookingOutcome, { kind: "held" | "booked" }>): DomainError {
  if (!begin.ownHold)
    return new DomainError(
      "HOLD_EXPIRED",
      "holdId: the hold expired and the slot is no longer free",
    );
  if (begin.kind === "booked")
    return new DomainError("SLOT_UNAVAILABLE", "holdId: the slot was booked meanwhile");
  return new DomainError("SLOT_HELD", "holdId: another client holds this slot", {
    details: { heldUntil: new Date(begin.untilMs).toISOString() },
  });
}

/** The booking this hold token made (under any key), answered as its first 201; or null. */
async function bookedByHold(ctx: DomainContext, holdHash: string): Promise<Booking | null> {
  const record = await ctx.bookings.findIdempotencyRecord(holdHash);
  return record ? answerAsBooked(ctx, record.appointmentIds) : null;
}

/** The same key and body again: the same 201, rebuilt from the appointments it created. */
async function replay(ctx: DomainContext, keyHash: string, bodyHash: string): Promise<Booking> {
  const record = await ctx.bookings.findIdempotencyRecord(keyHash);
  if (!record)
    throw new DomainError(
      "IDEMPOTENCY_CONFLICT",
      "header.idempotency-key: a request with this key is still in flight",
    );
  if (record.bodyHash !== bodyHash) throw idempotencyConflict();
  return answerAsBooked(ctx, record.appointmentIds);
}

/** The 201 a booking of these appointments gave: the appointments as booked, its manage token. */
async function answerAsBooked(ctx: DomainContext, appointmentIds: string[]): Promise<Booking> {
  const appointments = await ctx.bookings.getAppointments(appointmentIds);
  // The token comes from the earliest occurrence's id (see bookAppointment).
  const [earliest] = [...appointments].sort((a, b) => a.startMs - b.startMs);
  const manageToken = await replayedManageToken(ctx, earliest?.id ?? "", earliest?.manageTokenHash);
  // The answer is the one the first request gave: the appointments as they were booked.
  const asBooked = appointments.map((a) =>
    presentAppointment({
      ...a,
      status: "confirmed",
      cancelledAtMs: null,
      attendanceChangedAtMs: null,
      attendanceChangedBy: null,
      updatedAtMs: a.createdAtMs,
    }),
  );
  return { appointments: asBooked, manageToken, replayed: true };
}

/**
 * The manage token the first answer carried: derived with the current secret, or, when the
 * booking predates a rotation, with the previous one (the stored hash says which).
 */
async function replayedManageToken(
  ctx: DomainContext,
  appointmentId: string,
  storedHash: string | undefined,
): Promise<string> {
  const current = await manageTokenFor(ctx, appointmentId);
  const previous = ctx.secrets.previous;
  if (!previous || (await hashToken(current)) === storedHash) return current;
  // All appointments of one booking share one manage token, derived from the first id.
  const old = await deriveManageToken(previous.manageTokenKey, appointmentId);
  return (await hashToken(old)) === storedHash ? old : current;
}

/** Derived, not stored: a replay answers the same token, and only its hash is in MySQL. */
function manageTokenFor(ctx: DomainContext, appointmentId: string): Promise<string> {
  return deriveManageToken(ctx.secrets.manageTokenKey, appointmentId);
}

import { holdSpent } from "../booking/book-appointment.ts";
import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { type HoldCredential, holdCredential } from "./hold-credential.ts";

/** Unknown, expired, or not yours: the same answer, so a hold id alone reveals nothing. */
function holdNotFound(): DomainError {
  return new DomainError("NOT_FOUND", "holdId: no such hold for this token (it may have expired)");
}

async function credentialOf(ctx: DomainContext, input: { holdId: string; holdToken: string }) {
  // Only a whole signed token reaches the store: its claim names the holders whose hold-limit
  // places follow the hold, so an extend can never outlive the places it is counted under.
  const credential = await holdCredential(ctx.secrets, input.holdId, input.holdToken);
  if (!credential) throw holdNotFound();
  return credential;
}

async function resolve(ctx: DomainContext, input: { holdId: string; holdToken: string }) {
  const { holdKey, staffId, tokenHash, claim } = await credentialOf(ctx, input);
  return { holdKey, staffId, tokenHash, holders: claim.holders };
}

/**
 * Extends a hold to now + hold TTL, never past its creation + the extension cap. A hold that is
 * gone answers what booking it would: its token is a signed claim, so while its time is free
 * and its cap has not passed the hold is granted again under the same key and token (booking
 * would book it); otherwise booking's own refusal (released, capped, the time taken).
 */
export async function extendHold({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { holdId: string; holdToken: string };
}) {
  const credential = await credentialOf(ctx, input);
  const { holdKey, staffId, tokenHash, claim } = credential;
  const nowMs = ctx.clock.nowMs();
  const extended = await ctx.liveState.extend({
    holdKey,
    staffId,
    tokenHash,
    holders: claim.holders,
    nowMs,
  });
  if (extended) return { holdId: input.holdId, ...extended };
  return { holdId: input.holdId, ...(await renewGone(ctx, credential, nowMs)) };
}

/** The hold is gone (or was never this token's): what booking it would answer, as an extend. */
async function renewGone(
  ctx: DomainContext,
  credential: HoldCredential,
  nowMs: number,
): Promise<{ expiresAtMs: number; capped: boolean }> {
  const { claim } = credential;
  // Tokens signed before claims named holders or caps cannot be renewed: their places could
  // not be counted. A reschedule's hold needs the appointment's credential to be held again.
  if (!claim.holders || claim.capAtMs === null || claim.rescheduleOf !== undefined)
    throw holdNotFound();
  if (nowMs > claim.capAtMs) throw holdSpent("capped");
  const outcome = await ctx.liveState.hold({
    serviceId: claim.serviceId,
    staffId: credential.staffId,
    clientTag: claim.holders.client,
    holders: claim.holders,
    holdKey: credential.holdKey,
    tokenHash: credential.tokenHash,
    presentedTokenHash: credential.tokenHash,
    slots: claim.slots.map((slot) => ({ startMs: slot.startMs, offsetMin: slot.offsetMin })),
    nowMs,
  });
  if (outcome.kind === "ok" || outcome.kind === "existing") {
    // Never past the token's own cap: booking refuses after it anyway.
    return { expiresAtMs: Math.min(outcome.expiresAtMs, claim.capAtMs), capped: false };
  }
  if (outcome.kind === "released") throw holdSpent("released");
  if (outcome.kind === "limit")
    throw new DomainError(
      "HOLD_LIMIT",
      "holdId: this client already holds as many slots as it may; book or release one first",
      { retryAfterSeconds: Math.max(1, Math.ceil((outcome.untilMs - nowMs) / 1000)) },
    );
  // Held or booked by someone else, or no longer offered: booking would refuse it as gone.
  throw new DomainError("HOLD_EXPIRED", "holdId: the hold expired and the slot is no longer free");
}

/** Releases exactly this hold's slots. */
export async function releaseHold({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { holdId: string; holdToken: string };
}): Promise<void> {
  const hold = await resolve(ctx, input);
  if (!(await ctx.liveState.release({ ...hold, nowMs: ctx.clock.nowMs() }))) throw holdNotFound();
}

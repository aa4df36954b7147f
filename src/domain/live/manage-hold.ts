import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { holdCredential } from "./hold-credential.ts";

/** Unknown, expired, or not yours: the same answer, so a hold id alone reveals nothing. */
function holdNotFound(): DomainError {
  return new DomainError("NOT_FOUND", "holdId: no such hold for this token (it may have expired)");
}

async function resolve(ctx: DomainContext, input: { holdId: string; holdToken: string }) {
  // Only a whole signed token reaches the store: its claim names the holders whose hold-limit
  // places follow the hold, so an extend can never outlive the places it is counted under.
  const credential = await holdCredential(ctx.secrets, input.holdId, input.holdToken);
  if (!credential) throw holdNotFound();
  const { holdKey, staffId, tokenHash, claim } = credential;
  return { holdKey, staffId, tokenHash, holders: claim.holders };
}

/** Extends a hold to now + hold TTL, never past its creation + the extension cap. */
export async function extendHold({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { holdId: string; holdToken: string };
}) {
  const hold = await resolve(ctx, input);
  const extended = await ctx.liveState.extend({ ...hold, nowMs: ctx.clock.nowMs() });
  if (!extended) throw holdNotFound();
  return { holdId: input.holdId, ...extended };
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

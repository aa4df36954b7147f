import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { parseHoldId } from "./hold-id.ts";
import { holdSecretOf } from "./hold-token.ts";
import { hashToken } from "./tokens.ts";

/** Unknown, expired, or not yours: the same answer, so a hold id alone reveals nothing. */
function holdNotFound(): DomainError {
  return new DomainError("NOT_FOUND", "holdId: no such hold for this token (it may have expired)");
}

async function resolve(input: { holdId: string; holdToken: string }) {
  const parsed = parseHoldId(input.holdId);
  if (!parsed) throw holdNotFound();
  return { ...parsed, tokenHash: await hashToken(holdSecretOf(input.holdToken)) };
}

/** Extends a hold to now + hold TTL, never past its creation + the extension cap. */
export async function extendHold({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { holdId: string; holdToken: string };
}) {
  const hold = await resolve(input);
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
  const hold = await resolve(input);
  if (!(await ctx.liveState.release({ ...hold, nowMs: ctx.clock.nowMs() }))) throw holdNotFound();
}

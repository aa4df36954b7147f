import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { parseHoldId } from "./hold-id.ts";
import { holdSecretOf, verifyHoldTokenAny } from "./hold-token.ts";
import { hashToken } from "./tokens.ts";

/** Unknown, expired, or not yours: the same answer, so a hold id alone reveals nothing. */
function holdNotFound(): DomainError {
  return new DomainError("NOT_FOUND", "holdId: no such hold for this token (it may have expired)");
}

async function resolve(ctx: DomainContext, input: { holdId: string; holdToken: string }) {
  const parsed = parseHoldId(input.holdId);
  if (!parsed) throw holdNotFound();
  // The store checks the token's hash; its claim (if this server signed it) names the holders
  // whose hold-limit counts follow the hold.
  const claim = await verifyHoldTokenAny(ctx.secrets, input.holdToken);
  return {
    ...parsed,
    tokenHash: await hashToken(holdSecretOf(input.holdToken)),
    holders: claim?.holders ?? null,
  };
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

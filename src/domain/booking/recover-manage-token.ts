import { manageTokenFor } from "../live/hold-token.ts";
import { hashToken } from "../live/tokens.ts";
import type { DomainContext } from "../ports.ts";

/**
 * The manage token of an appointment, for the links in its emails. Only its hash is stored; the
 * token is derived from the id of the booking's first appointment, which is the oldest of those
 * sharing the hash (a reschedule keeps the hash). null when none matches (rows made by hand).
 */
export async function recoverManageToken(
  ctx: DomainContext,
  manageTokenHash: string,
): Promise<string | null> {
  for (const id of await ctx.bookings.idsWithManageToken(manageTokenHash, 20)) {
    const token = await manageTokenFor(ctx.secrets.manageTokenKey, id);
    if ((await hashToken(token)) === manageTokenHash) return token;
  }
  return null;
}

import { manageTokenFor } from "../live/hold-token.ts";
import { hashToken } from "../live/tokens.ts";
import type { DomainContext } from "../ports.ts";
import type { ReplacedAppointment } from "./types.ts";

/**
 * The manage token of an appointment a move's transaction read, for the links in its emails.
 * Only its hash is stored; the token is derived from the id of the booking's first appointment,
 * the oldest of those sharing the hash (a reschedule keeps the hash), which the same statement
 * reads: no read of its own. null when none matches (rows made by hand, a rotated secret).
 */
export async function derivedManageToken(
  ctx: DomainContext,
  replaced: ReplacedAppointment,
): Promise<string | null> {
  if (replaced.manageTokenOriginId === null) return null;
  const token = await manageTokenFor(ctx.secrets.manageTokenKey, replaced.manageTokenOriginId);
  return (await hashToken(token)) === replaced.manageTokenHash ? token : null;
}

/**
 * Live-stream tickets: how a client that must use EventSource (which cannot send headers) opens
 * GET /v1/live as itself without putting its client id in the URL. The client id is what its own
 * holds and the per-client hold limit are keyed on, and URLs end up in logs; a ticket in a URL is
 * worth nothing once used. A ticket is random (not derived from the client id), stored only as
 * a hash with the client's tag, opens one stream of one staff member and date, once, within
 * LIVE_TICKET_TTL_MS, and cannot hold anything: it is not a valid client id (its `.` is outside
 * the client id's alphabet).
 */
import { base64url } from "../crypto.ts";
import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { isSupportedDate, SUPPORTED_DATES_TEXT } from "../time/supported-range.ts";
import { clientTag, hashToken } from "./tokens.ts";

/** A ticket is valid for 60 s after it was issued. */
export const LIVE_TICKET_TTL_MS = 60_000;

/** `lt.` and 32 base64url characters (192 random bits). */
export const LIVE_TICKET_PATTERN = /^lt\.[A-Za-z0-9_-]{32}$/;

/** What to do instead of a refused ticket (the message of every refusal). */
const GET_A_NEW_ONE =
  "unknown, used or expired, or for another staff member or date: a ticket opens one stream, once, within 60 s; get a new one from POST /v1/live/tickets";

/**
 * Issues a ticket that opens one stream of `staffId` on `date` as `clientId`. Throws BAD_REQUEST
 * (body.date) for a date outside the supported range.
 */
export async function issueLiveTicket({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { staffId: string; date: string; clientId: string };
}): Promise<{ ticket: string; expiresAtMs: number }> {
  if (!isSupportedDate(input.date)) {
    throw new DomainError(
      "BAD_REQUEST",
      `body.date: must be a calendar date YYYY-MM-DD ${SUPPORTED_DATES_TEXT}`,
    );
  }
  const ticket = `lt.${base64url(crypto.getRandomValues(new Uint8Array(24)))}`;
  const nowMs = ctx.clock.nowMs();
  const expiresAtMs = nowMs + LIVE_TICKET_TTL_MS;
  await ctx.liveState.putTicket({
    ticketHash: await hashToken(ticket),
    ticket: {
      staffId: input.staffId,
      date: input.date,
      clientTag: await clientTag(input.clientId),
      expiresAtMs,
    },
    nowMs,
  });
  return { ticket, expiresAtMs };
}

/**
 * Spends a ticket on a stream of `staffId` on `date` and answers the client tag it stands for.
 * Any presentation spends it, a refused one too: one use. Throws BAD_REQUEST (query.ticket) when
 * it is unknown, used, expired, or for another staff member or date.
 */
export async function redeemLiveTicket({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { ticket: string; staffId: string; date: string };
}): Promise<string> {
  const taken = await ctx.liveState.takeTicket({
    ticketHash: await hashToken(input.ticket),
    nowMs: ctx.clock.nowMs(),
  });
  if (!taken || taken.staffId !== input.staffId || taken.date !== input.date)
    throw new DomainError("BAD_REQUEST", `query.ticket: ${GET_A_NEW_ONE}`);
  return taken.clientTag;
}

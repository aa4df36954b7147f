/**
 * Hold tokens are signed claims: `<secret>.<claim>.<mac>`. The secret part (144 random bits) is
 * what the live-state store keeps, as a hash, and compares; the claim names the hold's staff
 * member, service, holders and slots with their occupied cells; the MAC (HMAC-SHA-256, 128 bits)
 * proves the server issued it. Only a whole token that verifies reaches a store at all
 * (hold-credential.ts): the secret part alone matches the hash but names no holders. So a holder
 * whose hold expired, or was lost with Redis, can still book while the slot is free, and the
 * booking still knows exactly which cells to check.
 */
import { base64url, fromBase64url, hmacSha256 } from "../crypto.ts";
import type { HolderTags } from "./types.ts";

export interface ClaimedSlot {
  startMs: number;
  endMs: number;
  /** The occupied 5-minute cells, buffers included: [cellStart, cellEnd). */
  cellStart: number;
  cellEnd: number;
  /** The UTC offset this slot was named with (the staff member's at that instant). */
  offsetMin: number;
}

export interface HoldClaim {
  staffId: string;
  serviceId: string;
  slots: ClaimedSlot[];
  /** Creation + the extension cap: past it the token books nothing (410 HOLD_EXPIRED). */
  capAtMs: number;
  /** Who holds, for the hold limits. */
  holders: HolderTags;
  /** The appointment this hold was made to move (POST /v1/holds `rescheduleOf`), if any. */
  rescheduleOf?: string;
}

const encoder = new TextEncoder();

async function mac(secret: string, message: string): Promise<string> {
  return base64url((await hmacSha256(secret, message)).slice(0, 16));
}

/** The random part of a new hold token; only its hash is stored. */
export function newHoldSecret(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(18)));
}

/** The random part of a hold token (what the stored hash is of); a credential only once verified. */
export function holdSecretOf(token: string): string {
  return token.split(".")[0] ?? "";
}

export async function signHoldToken(
  key: string,
  holdSecret: string,
  claim: HoldClaim,
): Promise<string> {
  const slots = claim.slots.map((s) => [
    s.startMs / 60_000,
    s.endMs / 60_000,
    s.cellStart,
    s.cellEnd,
    s.offsetMin,
  ]);
  // [staffId, serviceId, slots, offsetMin of the first slot, capAtMs, client tag, address tag,
  //  and rescheduleOf only when there is one]
  const first = claim.slots[0]?.offsetMin ?? 0;
  const fields = [
    claim.staffId,
    claim.serviceId,
    slots,
    first,
    claim.capAtMs,
    claim.holders.client,
    claim.holders.ip,
  ];
  if (claim.rescheduleOf !== undefined) fields.push(claim.rescheduleOf);
  const body = base64url(encoder.encode(JSON.stringify(fields)));
  return `${holdSecret}.${body}.${await mac(key, `hold:${holdSecret}.${body}`)}`;
}

/** A claimed slot: [startMin, endMin, cellStart, cellEnd, offsetMin]. */
function isClaimedSlot(value: unknown): value is number[] {
  return Array.isArray(value) && value.length === 5 && value.every((n) => Number.isSafeInteger(n));
}

/** The claim of a token this server signed, or null (malformed, forged or altered). */
export async function verifyHoldToken(key: string, token: string): Promise<HoldClaim | null> {
  const [holdSecret, body, signature, extra] = token.split(".");
  if (!holdSecret || !body || !signature || extra !== undefined) return null;
  const expected = await mac(key, `hold:${holdSecret}.${body}`);
  let diff = expected.length ^ signature.length;
  for (let i = 0; i < expected.length; i++)
    diff |= expected.charCodeAt(i) ^ (signature.charCodeAt(i) || 0);
  if (diff !== 0) return null;
  try {
    const [staffId, serviceId, slots, offsetMin, capAtMs, client, ip, rescheduleOf] = JSON.parse(
      fromBase64url(body),
    ) as unknown[];
    if (
      typeof staffId !== "string" ||
      typeof serviceId !== "string" ||
      typeof offsetMin !== "number" ||
      typeof capAtMs !== "number" ||
      !Number.isSafeInteger(capAtMs) ||
      typeof client !== "string" ||
      typeof ip !== "string" ||
      !(rescheduleOf === undefined || typeof rescheduleOf === "string")
    )
      return null;
    if (!Array.isArray(slots) || slots.length === 0 || !slots.every(isClaimedSlot)) return null;
    const claimed = slots.map(([start = 0, end = 0, cellStart = 0, cellEnd = 0, own = 0]) => ({
      startMs: start * 60_000,
      endMs: end * 60_000,
      cellStart,
      cellEnd,
      offsetMin: own,
    }));
    const claim: HoldClaim = {
      staffId,
      serviceId,
      slots: claimed,
      capAtMs,
      holders: { client, ip },
    };
    if (rescheduleOf !== undefined) claim.rescheduleOf = rescheduleOf;
    return claim;
  } catch {
    return null;
  }
}

/** The claim of a token signed with the current secret, or the previous one while it lives. */
export async function verifyHoldTokenAny(
  keys: { holdTokenKey: string; previous?: { holdTokenKey: string } | null },
  token: string,
): Promise<HoldClaim | null> {
  return (
    (await verifyHoldToken(keys.holdTokenKey, token)) ??
    (keys.previous ? await verifyHoldToken(keys.previous.holdTokenKey, token) : null)
  );
}

/** A manage token for an appointment: derived, so replays of the booking answer the same one. */
export async function manageTokenFor(secret: string, appointmentId: string): Promise<string> {
  return base64url(await hmacSha256(secret, `manage:${appointmentId}`));
}

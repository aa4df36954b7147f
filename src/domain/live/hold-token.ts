/**
 * Hold tokens are signed claims: `<random>.<claim>.<mac>`. The random part (144 bits) makes each
 * token unique; the claim names the hold's staff member, service and slot starts; the MAC
 * (HMAC-SHA-256, 128 bits) proves the server issued it. So a holder whose hold expired, or was
 * lost with Redis, can still book while the slot is free: the token alone says which slots it
 * was granted. Only a hash of the whole token is stored.
 */
import { base64url, fromBase64url, hmacSha256 } from "../crypto.ts";

export interface HoldClaim {
  staffId: string;
  serviceId: string;
  /** Slot starts, in ms since the epoch. */
  startsMs: number[];
  /** The UTC offset the slots were named with (the staff member's), for answers. */
  offsetMin: number;
}

const encoder = new TextEncoder();

async function mac(secret: string, message: string): Promise<string> {
  return base64url((await hmacSha256(secret, message)).slice(0, 16));
}

export async function signHoldToken(secret: string, claim: HoldClaim): Promise<string> {
  const random = base64url(crypto.getRandomValues(new Uint8Array(18)));
  const body = base64url(
    encoder.encode(
      JSON.stringify([
        claim.staffId,
        claim.serviceId,
        claim.startsMs.map((ms) => ms / 60_000),
        claim.offsetMin,
      ]),
    ),
  );
  return `${random}.${body}.${await mac(secret, `hold:${random}.${body}`)}`;
}

/** The claim of a token this server signed, or null (malformed, forged or altered). */
export async function verifyHoldToken(secret: string, token: string): Promise<HoldClaim | null> {
  const [random, body, signature, extra] = token.split(".");
  if (!random || !body || !signature || extra !== undefined) return null;
  const expected = await mac(secret, `hold:${random}.${body}`);
  let diff = expected.length ^ signature.length;
  for (let i = 0; i < expected.length; i++)
    diff |= expected.charCodeAt(i) ^ (signature.charCodeAt(i) || 0);
  if (diff !== 0) return null;
  try {
    const [staffId, serviceId, startsMin, offsetMin] = JSON.parse(fromBase64url(body)) as [
      string,
      string,
      number[],
      number,
    ];
    if (
      typeof staffId !== "string" ||
      typeof serviceId !== "string" ||
      !Array.isArray(startsMin) ||
      typeof offsetMin !== "number"
    )
      return null;
    if (startsMin.length === 0 || startsMin.some((min) => !Number.isSafeInteger(min))) return null;
    return { staffId, serviceId, startsMs: startsMin.map((min) => min * 60_000), offsetMin };
  } catch {
    return null;
  }
}

/** A manage token for an appointment: derived, so replays of the booking answer the same one. */
export async function manageTokenFor(secret: string, appointmentId: string): Promise<string> {
  return base64url(await hmacSha256(secret, `manage:${appointmentId}`));
}

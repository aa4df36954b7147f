/**
 * Hashes and tags for live state. Tokens are stored only as a hash; a client id is stored only as a short tag (it is not a secret, and a tag keeps Redis
 * entries small).
 */
import { base64url, sha256 } from "../crypto.ts";

const HOLD_KEY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** What is stored for a token: the first 128 bits of its SHA-256, base64url (22 characters). */
export async function hashToken(token: string): Promise<string> {
  return base64url((await sha256(token)).slice(0, 16));
}

/** A client's tag in live entries: 66 bits of the SHA-256 of its id (11 characters). */
export async function clientTag(clientId: string): Promise<string> {
  return base64url((await sha256(`client:${clientId}`)).slice(0, 9)).slice(0, 11);
}

/** The random part of a hold id: 16 Crockford base32 characters (80 bits). */
export function newHoldKey(series = false): string {
  return holdKeyOf(crypto.getRandomValues(new Uint8Array(16)), series);
}

/**
 * A hold key from 16 bytes (random, or derived: see hold-slots.ts). A series hold's key starts
 * with "s" and no other key does (an "s" drawn first becomes "t"): the hold limits count a series
 * as one hold, and the scripts, the fallback and the booking tell it by its key alone.
 */
export function holdKeyOf(bytes: Uint8Array, series = false): string {
  let key = "";
  for (const byte of bytes.slice(0, 16)) key += HOLD_KEY_ALPHABET[byte & 31];
  if (series) return `${SERIES_KEY_MARK}${key.slice(1)}`;
  return key.startsWith(SERIES_KEY_MARK) ? `t${key.slice(1)}` : key;
}

/** The first character of a series hold's key (lua/lib/live.lua and the fallback read it too). */
export const SERIES_KEY_MARK = "s";

/** A series hold: counted as one hold, at most one per client; its booking gets a seriesId. */
export function isSeriesHoldKey(holdKey: string): boolean {
  return holdKey.startsWith(SERIES_KEY_MARK);
}

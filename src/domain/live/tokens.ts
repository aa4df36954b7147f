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
export function newHoldKey(): string {
  return holdKeyOf(crypto.getRandomValues(new Uint8Array(16)));
}

/** A hold key from 16 bytes (random, or derived: see hold-slots.ts). */
export function holdKeyOf(bytes: Uint8Array): string {
  let key = "";
  for (const byte of bytes.slice(0, 16)) key += HOLD_KEY_ALPHABET[byte & 31];
  return key;
}

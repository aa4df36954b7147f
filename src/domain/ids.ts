/**
 * Opaque public ids: a type prefix and 20 characters of Crockford base32 (100 random bits), so
 * ids reveal neither order nor count and cannot be guessed.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix =
  | "svc"
  | "stf"
  | "clo"
  | "apt"
  | "cus"
  | "hld"
  | "eml"
  | "ses"
  | "cod"
  | "msg"
  | "whk"
  | "wha"
  | "inc"
  | "asc"
  | "aud"
  | "acc"
  | "ser"
  | "wtl";

export function newId(prefix: IdPrefix): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let body = "";
  for (const byte of bytes) body += ALPHABET[byte & 31];
  return `${prefix}_${body}`;
}

/** The shape of any id this API issues (also accepts the seed's readable demo ids). */
export const ID_PATTERN = /^[a-z]{3}_[a-z0-9_]{4,36}$/;

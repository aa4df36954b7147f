/**
 * Secrets and tags for live state. Tokens are 256 random bits, shown once, and stored only as a
 * hash; a client id is stored only as a short tag (it is not a secret, and a tag keeps Redis
 * entries small).
 */
const HOLD_KEY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** A bearer secret: 256 random bits, base64url. */
export function newToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

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
  let key = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(16)))
    key += HOLD_KEY_ALPHABET[byte & 31];
  return key;
}

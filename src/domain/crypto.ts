/**
 * The few WebCrypto helpers the domain needs, in one place. WebCrypto is part of the platform
 * (Workers and Node alike), so the domain stays free of libraries.
 */
const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  // A call per chunk, not per byte (every hold encodes a few of these); chunks stay far below
  // the engine's limit on arguments.
  let binary = "";
  for (let i = 0; i < bytes.length; i += 4096)
    binary += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Decodes base64url to a binary string; throws on malformed input. */
export function fromBase64url(text: string): string {
  return atob(text.replaceAll("-", "+").replaceAll("_", "/"));
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

export async function sha256Hex(text: string): Promise<string> {
  return hex(await sha256(text));
}

/**
 * Imported HMAC keys by secret: importing costs as much as signing, and the secrets are the
 * deployment's few (hold tokens, manage tokens, sign-in codes). A CryptoKey holds no I/O, so one
 * isolate's requests share them; the key itself is kept, never a pending promise (a promise of
 * one request must not be awaited by another in Workers). Bounded, in case a caller ever passes
 * many secrets.
 */
const hmacKeys = new Map<string, CryptoKey>();
const HMAC_KEYS_MAX = 16;

async function hmacKey(secret: string): Promise<CryptoKey> {
  const known = hmacKeys.get(secret);
  if (known) return known;
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  if (hmacKeys.size >= HMAC_KEYS_MAX) hmacKeys.clear();
  hmacKeys.set(secret, key);
  return key;
}

export async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  const key = await hmacKey(secret);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

export async function hmacHex(secret: string, message: string): Promise<string> {
  return hex(await hmacSha256(secret, message));
}

/** `bytes` random bytes from the platform's cryptographic source, base64url. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Compares two secrets in constant time: both are hashed first (equal lengths, and the time
 * taken says nothing about where they differ), then every byte is compared.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * API keys of the admin API: `ae_live_<id>_<secret>`. The id is public (listed, used to revoke,
 * named in the audit log); the secret is 256 random bits, shown once and stored as its SHA-256
 * only. A fast hash is enough for a secret that long: nobody can guess it, so there is nothing
 * to slow down (docs/adr/0410-scoped-api-keys.md). Every check reads the key's row, so a revoked
 * or expired key fails on the very next request.
 */
import { randomToken, secretsEqual, sha256Hex } from "../crypto.ts";
import type { ApiKeyRecord, DomainContext } from "../ports.ts";

export const API_KEY_PREFIX = "ae_live_";
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const KEY_PATTERN = /^ae_live_([0-9a-z]{16})_([A-Za-z0-9_-]{43})$/;

/** The parts of a well-formed key, or null (a malformed one is refused without a store read). */
export function parseApiKey(token: string): { id: string; secret: string } | null {
  const match = KEY_PATTERN.exec(token);
  return match?.[1] && match[2] ? { id: match[1], secret: match[2] } : null;
}

function newKeyId(): string {
  let id = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) id += ALPHABET[byte & 31];
  return id;
}

/** Creates a key; its token is returned here only. The request's audit entry is written with it. */
export async function issueApiKey(input: {
  ctx: DomainContext;
  name: string;
  scopes: string[];
  expiresAtMs: number | null;
  createdBy: string;
}): Promise<{ key: ApiKeyRecord; token: string }> {
  const id = newKeyId();
  const secret = randomToken(32);
  const key: ApiKeyRecord = {
    id,
    name: input.name,
    scopes: [...new Set(input.scopes)].sort(),
    createdAtMs: input.ctx.clock.nowMs(),
    expiresAtMs: input.expiresAtMs,
    revokedAtMs: null,
    createdBy: input.createdBy,
  };
  await input.ctx.apiKeys.create(
    { ...key, secretHash: await sha256Hex(secret) },
    input.ctx.pendingAudit,
  );
  return { key, token: `${API_KEY_PREFIX}${id}_${secret}` };
}

/** The key a token proves, if it is known, its secret right, and it is neither revoked nor expired. */
export async function verifyApiKey(
  ctx: DomainContext,
  token: string,
): Promise<ApiKeyRecord | null> {
  const parts = parseApiKey(token);
  if (!parts) return null;
  const stored = await ctx.apiKeys.find(parts.id);
  if (!stored) return null;
  if (!(await secretsEqual(await sha256Hex(parts.secret), stored.secretHash))) return null;
  if (stored.revokedAtMs !== null) return null;
  if (stored.expiresAtMs !== null && stored.expiresAtMs <= ctx.clock.nowMs()) return null;
  const { secretHash: _, ...key } = stored;
  return key;
}

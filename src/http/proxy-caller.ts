/**
 * A server-side proxy (a business's own booking backend) calls the public API for many customers
 * from one address. With an API key holding the `proxy` scope in `X-Api-Key` (Authorization stays
 * free for the customer's own session), it may name the customer's address in `X-Customer-IP`:
 * the per-address limits then count that address instead of the proxy's, and the key has an
 * overall limit of its own (src/http/per-address-limit.ts). Without a valid proxy key both
 * headers are ignored. Neither header is declared on an operation, so the CORS preflight never
 * allows a browser to send them (src/http/middleware.ts).
 *
 * This runs before the admission on public paths, so a key's row is kept per isolate for
 * PROXY_KEY_CACHE_MS: a revoked key's addresses are honoured for at most that long in an isolate
 * that had it (the admin API reads the row on every request and refuses a revoked key at once).
 * Only the looked-up result is kept, never a pending lookup (docs/adr/0603-nobody-waits-on-another-requests-promise.md).
 */
import type { Context } from "hono";
import { parseApiKey, verifyApiKey } from "../domain/auth/api-keys.ts";
import type { ApiKeyRecord } from "../domain/ports.ts";
import { ApiError } from "../errors/api-error.ts";
import type { AppEnv } from "./app-env.ts";
import { ipGroup } from "./client-ip.ts";

export const PROXY_KEY_HEADER = "X-Api-Key";
export const CUSTOMER_IP_HEADER = "X-Customer-IP";
export const PROXY_KEY_CACHE_MS = 10_000;
const CACHE_MAX = 256;

const verified = new Map<string, { key: ApiKeyRecord | null; untilMs: number }>();

async function proxyKeyOf(c: Context<AppEnv>, token: string): Promise<ApiKeyRecord | null> {
  const nowMs = c.var.ctx.clock.nowMs();
  const known = verified.get(token);
  if (known && known.untilMs > nowMs) {
    const key = known.key;
    return key && (key.expiresAtMs === null || key.expiresAtMs > nowMs) ? key : null;
  }
  const key = await verifyApiKey(c.var.ctx, token);
  if (verified.size >= CACHE_MAX) verified.clear();
  verified.set(token, { key, untilMs: nowMs + PROXY_KEY_CACHE_MS });
  return key;
}

/**
 * The proxy key's id and the customer's address group it names, or null: no proxy key, or not a
 * valid one holding `proxy`. A valid proxy key with a malformed X-Customer-IP is 400.
 */
export async function proxyCallerOf(
  c: Context<AppEnv>,
): Promise<{ keyId: string; customerGroup: string | null } | null> {
  const token = c.req.header(PROXY_KEY_HEADER)?.trim() ?? "";
  if (!parseApiKey(token)) return null;
  const key = await proxyKeyOf(c, token);
  if (!key?.scopes.includes("proxy")) return null;
  const named = c.req.header(CUSTOMER_IP_HEADER);
  if (named === undefined) return { keyId: key.id, customerGroup: null };
  const group = ipGroup(named);
  if (group === "unknown") {
    throw new ApiError(
      "BAD_REQUEST",
      "header.x-customer-ip: must be the customer's IPv4 or IPv6 address",
    );
  }
  return { keyId: key.id, customerGroup: group };
}

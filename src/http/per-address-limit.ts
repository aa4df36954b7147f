import type { Context, MiddlewareHandler } from "hono";
import { errorResponse } from "../errors/handle-error.ts";
import { ADMIN_PATH, DEBUG_PATH, isAdminPath } from "./admin-auth.ts";
import type { AppEnv } from "./app-env.ts";
import { clientIpGroup } from "./client-ip.ts";
import { proxyCallerOf } from "./proxy-caller.ts";
import { pathMatches } from "./path-pattern.ts";

/** The public paths the per-IP limit counts. */
export const PUBLIC_RATE_LIMITED_PATHS = [
  "/v1/business",
  "/v1/services",
  "/v1/staff",
  "/v1/staff/*",
  "/v1/availability",
  "/v1/availability/*",
  "/v1/slots/*",
  "/v1/holds",
  "/v1/holds/*",
  "/v1/heartbeat",
  "/v1/live",
  "/v1/live/*",
  "/v1/appointments",
  "/v1/appointments/*",
  "/v1/auth/*",
  "/v1/me/*",
  "/v1/waitlist",
  "/v1/waitlist/*",
] as const;

/**
 * Every path the per-IP limit counts (app.ts mounts `perAddressLimit` on each): the public ones,
 * and the admin and debug ones, so that an address flooding them is refused before it takes a
 * place at the admission, token or not.
 */
export const RATE_LIMITED_PATHS = [...PUBLIC_RATE_LIMITED_PATHS, ADMIN_PATH, DEBUG_PATH] as const;

/** Whether an operation's path ("/v1/holds/{holdId}") is counted by the per-IP limit. */
export function isRateLimited(path: string): boolean {
  return RATE_LIMITED_PATHS.some((pattern) => pathMatches(pattern, path));
}

/** Seconds a client over the per-IP limit is told to wait (the binding's window). */
export const RATE_LIMIT_RETRY_AFTER_S = 60;

/** The Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml). */
interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

function isRateLimitBinding(value: unknown): value is RateLimitBinding {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as RateLimitBinding).limit === "function"
  );
}

/**
 * A per-IP limit, counted by Cloudflare's rate-limiting binding: no Redis round trip, so the
 * budgets of select, hold and heartbeat stay one call. It is approximate by design (per
 * location); the exact limits (sign-in codes) use Redis. IPv6 clients are counted per /64
 * (`ipGroup`). Admin and debug calls are counted apart from the address's public calls (key
 * `admin:`), so that customers behind the operator's NAT cannot use up the operator's budget
 * while it acts on an outage, nor the other way round. Without the binding (plain Node tests)
 * there is no limit.
 */
export const perAddressLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const binding = c.env?.PUBLIC_RATE_LIMITER;
  const admin = isAdminPath(c.req.path);
  // A public request through a proxy key is counted as its customer's (src/http/proxy-caller.ts).
  const proxy = admin ? null : await proxyCallerOf(c);
  if (proxy) {
    const proxyBinding = c.env?.PROXY_RATE_LIMITER;
    if (isRateLimitBinding(proxyBinding)) {
      const { success } = await proxyBinding.limit({ key: `proxy:${proxy.keyId}` });
      if (!success) return rateLimited(c, "Too many requests with this proxy key; slow down.");
    }
  }
  if (isRateLimitBinding(binding)) {
    const group = proxy?.customerGroup ?? clientIpGroup(c);
    const { success } = await binding.limit({ key: `${admin ? "admin" : "ip"}:${group}` });
    if (!success) return rateLimited(c, "Too many requests from this address; slow down.");
  }
  await next();
};

function rateLimited(c: Context<AppEnv>, message: string): Response {
  return errorResponse(c, "RATE_LIMITED", message, {
    headers: { "Retry-After": String(RATE_LIMIT_RETRY_AFTER_S) },
  });
}

import type { MiddlewareHandler } from "hono";
import { errorResponse } from "../errors/handle-error.ts";
import type { AppEnv } from "./app-env.ts";
import { clientIpGroup } from "./client-ip.ts";
import { pathMatches } from "./path-pattern.ts";

/** The public paths the per-IP limit counts (app.ts mounts `publicRateLimit` on each). */
export const PUBLIC_RATE_LIMITED_PATHS = [
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
] as const;

/** Whether an operation's path ("/v1/holds/{holdId}") is counted by the per-IP limit. */
export function isPublicRateLimited(path: string): boolean {
  return PUBLIC_RATE_LIMITED_PATHS.some((pattern) => pathMatches(pattern, path));
}

/** Seconds a client over the per-IP limit is told to wait (the binding's window). */
export const PUBLIC_RATE_LIMIT_RETRY_AFTER_S = 60;

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
 * A per-IP limit on public routes, counted by Cloudflare's rate-limiting binding: no Redis round
 * trip, so the budgets of select, hold and heartbeat stay one call. It is approximate by design
 * (per location); the exact limits (sign-in codes) use Redis. IPv6 clients are counted per /64
 * (`ipGroup`). Without the binding (plain Node tests) there is no limit.
 */
export const publicRateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const binding = c.env?.PUBLIC_RATE_LIMITER;
  if (isRateLimitBinding(binding)) {
    const { success } = await binding.limit({ key: `ip:${clientIpGroup(c)}` });
    if (!success) {
      return errorResponse(c, "RATE_LIMITED", "Too many requests from this address; slow down.", {
        headers: { "Retry-After": String(PUBLIC_RATE_LIMIT_RETRY_AFTER_S) },
      });
    }
  }
  await next();
};

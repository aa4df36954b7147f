import type { MiddlewareHandler } from "hono";
import { errorResponse } from "../errors/handle-error.ts";
import type { AppEnv } from "./app-env.ts";
import { clientIpGroup } from "./client-ip.ts";

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
        headers: { "Retry-After": "60" },
      });
    }
  }
  await next();
};

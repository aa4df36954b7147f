import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { EnvironmentError } from "../env.ts";
import { errorResponse } from "../errors/handle-error.ts";
import type { AppEnv, ResolveServices } from "./app-env.ts";

/** Requests larger than this are refused with 413 before any parsing (SPEC.md section 7). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Resolves the isolate's services from the bindings. A misconfigured deployment answers
 * 500 BAD_ENVIRONMENT naming the variables at fault (never their values).
 */
export function withServices(resolveServices: ResolveServices): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    try {
      const services = resolveServices(c.env);
      c.set("services", services);
      c.set("ctx", services.ctx);
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      return errorResponse(c, "BAD_ENVIRONMENT", error.message, {
        details: { fields: error.fields },
      });
    }
    await next();
  };
}

/** Refuses oversized bodies with the error envelope, whether or not Content-Length is sent. */
export const limitBody: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) =>
    errorResponse(c, "PAYLOAD_TOO_LARGE", `body: must be at most ${MAX_BODY_BYTES} bytes`),
});

/** CORS for the origins in CORS_ORIGINS only; other origins get no CORS headers. */
export const corsFromConfig: MiddlewareHandler<AppEnv> = cors({
  origin: (origin, c) => {
    const allowed = (c.get("services") as AppEnv["Variables"]["services"] | undefined)?.config
      .CORS_ORIGINS;
    return allowed?.includes(origin) ? origin : null;
  },
  allowHeaders: [
    "Content-Type",
    "Authorization",
    "Idempotency-Key",
    "X-Hold-Token",
    "X-Manage-Token",
    "X-Request-Id",
  ],
  allowMethods: ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
  exposeHeaders: ["X-Request-Id", "Retry-After"],
  maxAge: 600,
});

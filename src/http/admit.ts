import type { MiddlewareHandler } from "hono";
import { OVERLOAD_RETRY_AFTER_S } from "../domain/errors.ts";
import { errorResponse } from "../errors/handle-error.ts";
import { isCritical } from "../runtime/admission.ts";
import type { AppEnv } from "./app-env.ts";

/** The admission middleware: waits for a place, or answers 503 OVERLOADED with Retry-After. */
export const admit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { admission, metrics } = c.var.services;
  if (!admission) return next();
  const screening = {
    // The owner's ADMIN_TOKEN only: an API key is checked after the admission (admin-auth.ts).
    admin: c.get("admin")?.scopes === "all",
    wellFormed: c.get("wellFormed") === true,
  };
  const outcome = await admission.enter(isCritical(c.req.method, c.req.path, screening));
  if (!outcome.admitted) {
    metrics.countShed(outcome.reason);
    return errorResponse(
      c,
      "OVERLOADED",
      "The service is busy; nothing was changed. Retry after Retry-After.",
      { headers: { "Retry-After": String(OVERLOAD_RETRY_AFTER_S) } },
    );
  }
  try {
    await next();
  } finally {
    outcome.release();
  }
};

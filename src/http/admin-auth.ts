import type { MiddlewareHandler } from "hono";
import { secretsEqual } from "../domain/crypto.ts";
import { ApiError } from "../errors/api-error.ts";
import type { AppEnv } from "./app-env.ts";
import { pathMatches } from "./path-pattern.ts";

/** The paths `requireAdmin` guards (mounted by src/routes/admin and src/routes/debug). */
export const ADMIN_PATH = "/v1/admin/*";
export const DEBUG_PATH = "/v1/debug/*";

/** Whether an operation's path needs the admin token. */
export function isAdminPath(path: string): boolean {
  return pathMatches(ADMIN_PATH, path) || pathMatches(DEBUG_PATH, path);
}

/**
 * Admin and debug routes: `Authorization: Bearer <ADMIN_TOKEN>`, else 401 UNAUTHORIZED. app.ts
 * runs it before the admission, so that a call without the token is refused without taking a
 * place; the admin and debug routers run it again, so that neither is ever mounted unguarded.
 * The second run finds the token already checked (`adminVerified`) and compares nothing.
 */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("adminVerified") === true) return next();
  const header = c.req.header("Authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  const token = match?.[1]?.trim() ?? "";
  if (token === "" || !(await secretsEqual(token, c.var.services.config.ADMIN_TOKEN))) {
    throw new ApiError(
      "UNAUTHORIZED",
      "header.authorization: a valid admin bearer token is required",
      {
        headers: { "WWW-Authenticate": 'Bearer realm="admin"' },
      },
    );
  }
  c.set("adminVerified", true);
  await next();
};

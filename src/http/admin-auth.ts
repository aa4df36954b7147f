import type { MiddlewareHandler } from "hono";
import { secretsEqual } from "../domain/crypto.ts";
import { ApiError } from "../errors/api-error.ts";
import type { AppEnv } from "./app-env.ts";

/** Admin and debug routes: `Authorization: Bearer <ADMIN_TOKEN>`, else 401 UNAUTHORIZED. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
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
  await next();
};

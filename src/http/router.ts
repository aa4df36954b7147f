import { OpenAPIHono } from "@hono/zod-openapi";
import { describeZodError, errorResponse } from "../errors/handle-error.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * A router with the app's validation hook: every zod failure becomes 400 BAD_REQUEST with a
 * message naming the first offending field (`body.start: …`) and all issues in `details`.
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const { message, details } = describeZodError(result.target, result.error);
      return errorResponse(c, "BAD_REQUEST", message, { details });
    },
  });
}

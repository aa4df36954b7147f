import { type RouteConfig, z } from "@hono/zod-openapi";
import type { ErrorCode } from "../../errors/codes.ts";
import {
  type ErrorResponseEntry,
  errorCodesOf,
  errorResponses,
  REQUEST_ID_HEADER,
} from "../../errors/envelope.ts";
import { isAdminPath } from "../../http/admin-auth.ts";
import { STAFF_OPERATIONS, scopeOf } from "../../http/admin-scopes.ts";
import { IDEMPOTENCY_KEY_PATTERN } from "../../http/admin-idempotency.ts";
import { isRateLimited } from "../../http/per-address-limit.ts";
import { schemesRead, securityOf } from "./security.ts";

/** What a route does that decides which shared answers it can give. */
export interface RouteTraits {
  /**
   * It reads or writes Redis or MySQL, so an outage answers 503 `STORE_UNAVAILABLE` and a store
   * that answers too late 503 `OVERLOADED`. False only for routes that touch no store, or only
   * probe one (a probe reports a failure in its 200 body instead of throwing).
   */
  store: boolean;
  /**
   * Its credential is optional: it also serves anonymous callers, and a credential only widens
   * what it does (e.g. `rescheduleOf` on availability and holds). Otherwise an operation that
   * reads a credential needs one of those it reads.
   */
  credential?: "optional";
}

/**
 * The errors an operation can answer with whatever its handler does, found from the middleware
 * of app.ts and the validation of @hono/zod-openapi:
 * - every operation: 500 `INTERNAL` (a bug) and `BAD_ENVIRONMENT` (withServices), 503
 *   `OVERLOADED` with Retry-After (admission control, src/runtime/admission.ts);
 * - a store behind it: 503 `STORE_UNAVAILABLE`;
 * - /v1/admin/ and /v1/debug/: 401 `UNAUTHORIZED` with WWW-Authenticate, 403 `FORBIDDEN` for
 *   a credential without the operation's scope (requireAdmin); 404 `NOT_FOUND` where a staff
 *   account asks for another staff member's data (`STAFF_OPERATIONS`);
 * - a path under the per-IP limit (public, admin and debug paths): 429 `RATE_LIMITED` with
 *   Retry-After (perAddressLimit);
 * - validated parameters, headers or body: 400 `BAD_REQUEST` (the router's defaultHook); on a
 *   public path under the per-IP limit also a proxy key's malformed X-Customer-IP;
 * - a method that may carry a body: 413 `PAYLOAD_TOO_LARGE` (limitBody runs before routing);
 * - a declared body: 415 `UNSUPPORTED_MEDIA_TYPE` (@hono/zod-openapi refuses other types) and
 *   400 for malformed JSON.
 */
export function sharedErrorCodes(route: RouteConfig, traits: RouteTraits): ErrorCode[] {
  const codes: ErrorCode[] = ["INTERNAL", "BAD_ENVIRONMENT", "OVERLOADED"];
  if (traits.store) codes.push("STORE_UNAVAILABLE");
  if (isAdminPath(route.path)) codes.push("UNAUTHORIZED", "FORBIDDEN");
  // A staff account asking for another staff member's data (requireAdmin, staffScopeOf).
  const ownership = STAFF_OPERATIONS[`${route.method.toUpperCase()} ${route.path}`];
  if (ownership !== undefined && ownership !== "shared") codes.push("NOT_FOUND");
  if (takesAdminIdempotencyKey(route)) codes.push("IDEMPOTENCY_CONFLICT", "BAD_REQUEST");
  if (isRateLimited(route.path)) codes.push("RATE_LIMITED");
  // A proxy key's malformed X-Customer-IP (src/http/proxy-caller.ts).
  if (isRateLimited(route.path) && !isAdminPath(route.path)) codes.push("BAD_REQUEST");
  const request = route.request;
  if (request?.params || request?.query || request?.headers || request?.body) {
    codes.push("BAD_REQUEST");
  }
  if (route.method !== "get") codes.push("PAYLOAD_TOO_LARGE");
  if (request?.body) codes.push("UNSUPPORTED_MEDIA_TYPE");
  return codes;
}

/**
 * The route declaration with every answer it can give (docs/adr/1001-openapi-common-answers.md): the route's own
 * `errorResponses(…)` merged by status with the shared ones (`sharedErrorCodes`), X-Request-Id on
 * every answer, WWW-Authenticate on the admin 401, and its security requirement, derived from the
 * credentials its request reads (src/routes/shared/security.ts). Every route file wraps its config in it:
 * `createRoute(withCommonAnswers({ … }, { store: true }))`. A route that does not is caught by
 * the document's lint (`npm run lint:openapi`) and by src/routes/shared/common-answers.test.ts.
 */
export function withCommonAnswers<R extends RouteConfig>(route: R, traits: RouteTraits): R {
  const admin = isAdminPath(route.path);
  const scope = admin ? scopeOf(route.method, route.path) : undefined;
  const security = securityOf(schemesRead(route, admin), traits.credential === "optional", scope);
  // Admin routes may declare `AdminSecurity`: the scope comes from src/http/admin-scopes.ts.
  const schemeNames = (requirements: RouteConfig["security"]) =>
    JSON.stringify((requirements ?? []).map((requirement) => Object.keys(requirement)));
  if (route.security !== undefined && schemeNames(route.security) !== schemeNames(security)) {
    throw new Error(`${route.method} ${route.path}: its security does not match what it reads`);
  }
  const own: ErrorCode[] = [];
  const responses: RouteConfig["responses"] = {};
  for (const [status, entry] of Object.entries(route.responses)) {
    const codes = errorCodesOf(entry);
    if (codes) own.push(...codes);
    else if (Number(status) >= 400) {
      throw new Error(`${route.method} ${route.path}: declare ${status} with errorResponses(…)`);
    } else {
      const headers = "headers" in entry ? entry.headers : undefined;
      if (headers && "safeParse" in headers) {
        throw new Error(`${route.method} ${route.path}: declare ${status}'s headers as an object`);
      }
      responses[status] = {
        ...entry,
        headers: { "X-Request-Id": REQUEST_ID_HEADER, ...(headers ?? {}) },
      } as RouteConfig["responses"][string];
    }
  }
  const errors: Record<number, ErrorResponseEntry> = errorResponses(
    ...own,
    ...sharedErrorCodes(route, traits),
  );
  const unauthorized = errors[401];
  if (admin && unauthorized) {
    errors[401] = {
      ...unauthorized,
      headers: {
        ...unauthorized.headers,
        "WWW-Authenticate": {
          description:
            '`Bearer realm="admin"`: the admin API takes the ADMIN_TOKEN or an API key as a bearer token.',
          required: true,
          schema: { type: "string" },
        },
      },
    };
  }
  return {
    ...route,
    ...(takesAdminIdempotencyKey(route) ? { request: withAdminIdempotencyKey(route.request) } : {}),
    // The scope again as an extension, for tools that read no roles from a bearer requirement.
    ...(admin ? { "x-required-scopes": scope ? [scope] : [] } : {}),
    security,
    responses: { ...responses, ...errors },
  };
}

/** Every admin POST takes an optional Idempotency-Key (src/http/admin-idempotency.ts). */
function takesAdminIdempotencyKey(route: RouteConfig): boolean {
  return isAdminPath(route.path) && route.method === "post";
}

const AdminIdempotencyKey = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN, "must be 1–200 visible ASCII characters (e.g. a UUID)")
  .optional()
  .openapi({
    param: { name: "idempotency-key", in: "header" },
    description:
      "Optional. A retry with the same key and body (its answer was lost) gets the first success again and changes nothing (an error answer is not kept: the retry runs again); the same key with another body, or while the first is in flight, is 409 `IDEMPOTENCY_CONFLICT`. Keys are per path.",
    example: "6f1c1a52-3e0b-4a0e-9a53-2d1b5a0c9a11",
  });

/** The route's request with the optional admin Idempotency-Key among its headers. */
function withAdminIdempotencyKey(request: RouteConfig["request"]): RouteConfig["request"] {
  const headers = request?.headers as z.ZodObject | undefined;
  return {
    ...request,
    headers: headers
      ? headers.extend({ "idempotency-key": AdminIdempotencyKey })
      : z.object({ "idempotency-key": AdminIdempotencyKey }),
  };
}

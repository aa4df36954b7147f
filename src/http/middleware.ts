import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { EnvironmentError } from "../env.ts";
import { errorResponse } from "../errors/handle-error.ts";
import type { ResolveServices, Services } from "../runtime/services.ts";
import type { RequestTrace } from "../storage/failover/failover-stores.ts";
import type { AppEnv } from "./app-env.ts";

/** Requests larger than this are refused with 413 before any parsing (docs/spec.md, "Bad input"). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Resolves the isolate's services from the bindings and gives the request its own view of the
 * stores (which store served it is recorded in its trace). A misconfigured deployment answers
 * 500 BAD_ENVIRONMENT naming the variables at fault (never their values). Each request is
 * counted in the isolate's metrics under its route pattern, with its status and latency.
 */
export function withServices(resolveServices: ResolveServices): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const startedMs = performance.now();
    let services: Services;
    try {
      services = resolveServices(c.env);
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      return errorResponse(c, "BAD_ENVIRONMENT", error.message, {
        details: { fields: error.fields },
      });
    }
    const executionCtx = executionContextOf(c);
    const trace: RequestTrace = {
      requestId: c.get("requestId"),
      storage: null,
      // Without an execution context (Node tests) nothing keeps work alive: none is offered.
      ...(executionCtx ? { waitUntil: (work) => executionCtx.waitUntil(work) } : {}),
    };
    c.set("services", services);
    c.set("trace", trace);
    c.set("ctx", services.failover?.forRequest(trace) ?? services.ctx);
    try {
      await next();
    } finally {
      const route = `${c.req.method} ${c.req.routePath}`;
      services.metrics.recordRequest(route, c.res.status, performance.now() - startedMs);
    }
  };
}

/** Refuses oversized bodies with the error envelope, whether or not Content-Length is sent. */
export const limitBody: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) =>
    errorResponse(c, "PAYLOAD_TOO_LARGE", `body: must be at most ${MAX_BODY_BYTES} bytes`),
});

/**
 * The request headers read outside any operation's declarations: the body's type, the admin
 * token (src/http/admin-auth.ts) and the caller's own request id (hono/request-id in app.ts).
 */
const MIDDLEWARE_HEADERS = ["Content-Type", "Authorization", "X-Request-Id"];

/**
 * Every request header the API reads: the middleware's own, and every header parameter an
 * operation of `app` declares (its credentials, Idempotency-Key, X-Client-Id, Last-Event-ID). A
 * header a route starts to read is declared on its operation, so a browser may send it at once.
 */
export function requestHeadersOf(app: OpenAPIHono<AppEnv>): string[] {
  const names = new Map<string, string>();
  for (const name of MIDDLEWARE_HEADERS) names.set(name.toLowerCase(), name);
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const headers = definition.route.request?.headers as { shape?: object } | undefined;
    for (const name of Object.keys(headers?.shape ?? {})) {
      if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), titleCase(name));
    }
  }
  return [...names.values()];
}

/** "x-client-id" as "X-Client-Id" (header names are case-insensitive; this reads better). */
function titleCase(name: string): string {
  return name.replaceAll(
    /(^|-)([a-z])/g,
    (_, dash: string, letter: string) => dash + letter.toUpperCase(),
  );
}

/**
 * CORS for the origins in CORS_ORIGINS only; other origins get no CORS headers. A preflight
 * allows every header the API reads (`requestHeadersOf`), taken from `app` at the first request,
 * once every route is mounted.
 */
export function corsFor(app: OpenAPIHono<AppEnv>): MiddlewareHandler<AppEnv> {
  let handler: MiddlewareHandler<AppEnv> | undefined;
  return (c, next) => {
    handler ??= cors({
      origin: (origin, c) => {
        const allowed = (c.get("services") as AppEnv["Variables"]["services"] | undefined)?.config
          .CORS_ORIGINS;
        return allowed?.includes(origin) ? origin : null;
      },
      allowHeaders: requestHeadersOf(app),
      allowMethods: ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
      exposeHeaders: ["X-Request-Id", "Retry-After"],
      maxAge: 600,
    });
    return handler(c, next);
  };
}

/** The runtime's execution context (Workers), or null where there is none (`app.request` in Node). */
function executionContextOf(c: Context<AppEnv>): Context<AppEnv>["executionCtx"] | null {
  try {
    return c.executionCtx;
  } catch {
    return null;
  }
}

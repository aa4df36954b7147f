/**
 * The split between the edge and the stores' region. The same worker code is deployed twice
 * (docs/architecture/deployment.md):
 * - at the edge (`wrangler.toml`), next to the customer: live operations (select, hold,
 *   heartbeat, the live stream), the catalog, health and the static pages. Each of them costs one
 *   Redis round trip, so it crosses the distance to the stores once wherever it runs;
 * - placed next to the stores (`wrangler.placed.toml`, `[placement]`): everything that talks to
 *   MySQL more than once or to both stores one after the other (bookings, cancel, reschedule,
 *   availability, sign-in, admin, the Cron Trigger). The edge forwards those requests through
 *   the `PLACED` service binding, so a booking crosses the distance once and its dozen store
 *   round trips stay inside the stores' region.
 *
 * A worker without the binding (the placed one, and single-worker test set-ups) serves
 * everything itself.
 */
import type { MiddlewareHandler } from "hono";
import { errorResponse } from "../errors/handle-error.ts";
import type { AppEnv } from "./app-env.ts";
import { pathMatches } from "./path-pattern.ts";

/** The paths the placed worker serves when the edge worker has a `PLACED` binding. */
export const PLACED_PATHS = [
  "/v1/appointments",
  "/v1/appointments/*",
  "/v1/availability",
  "/v1/availability/*",
  "/v1/auth/*",
  "/v1/me/*",
  "/v1/admin/*",
] as const;

/** Seconds a customer waits before retrying when the placed worker could not be reached. */
export const PLACED_RETRY_AFTER_S = 2;

export function isPlaced(path: string): boolean {
  return PLACED_PATHS.some((pattern) => pathMatches(pattern, path));
}

/** The service binding to the placed worker (`[[services]]` in wrangler.toml). */
interface Fetcher {
  fetch(request: Request): Promise<Response>;
}

function placedBinding(env: unknown): Fetcher | null {
  const binding = (env as { PLACED?: unknown } | undefined)?.PLACED;
  return typeof binding === "object" &&
    binding !== null &&
    typeof (binding as Fetcher).fetch === "function"
    ? (binding as Fetcher)
    : null;
}

/**
 * Forwards a placed path to the placed worker and answers what it answers. The request keeps its
 * headers (the client's address, credentials, Idempotency-Key) and takes this request's id, so
 * one id follows the request through both workers' logs.
 *
 * If the placed worker cannot be reached, or does not answer within PLACED_TIMEOUT_MS, the
 * customer gets 503 STORE_UNAVAILABLE with Retry-After, never a hang. A booking whose answer was
 * lost that way is safe to retry with the same Idempotency-Key.
 */
export const forwardToPlaced: MiddlewareHandler<AppEnv> = async (c, next) => {
  const placed = placedBinding(c.env);
  if (!placed || !isPlaced(c.req.path)) return next();
  const timeoutMs = c.var.services.config.PLACED_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Raced rather than trusted to the signal alone: a binding that never answers must not hold
  // the customer whether or not it honours the abort.
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  // The screen before the admission may have read the body already; Hono keeps what it read.
  const raw = c.req.raw;
  const body =
    raw.method === "GET" || raw.method === "HEAD"
      ? null
      : raw.bodyUsed
        ? await c.req.arrayBuffer()
        : raw.body;
  const headers = new Headers(raw.headers);
  headers.set("X-Request-Id", c.get("requestId"));
  const request = new Request(raw.url, {
    method: raw.method,
    headers,
    body,
    signal: controller.signal,
  });
  try {
    const answer = await Promise.race([placed.fetch(request), late]);
    // Every answer of this app carries X-Request-Id: a 5xx without it is the platform's (the
    // placed worker crashed or could not be reached), and the customer gets the same 503.
    if (answer.status >= 500 && !answer.headers.has("X-Request-Id"))
      throw new Error(
        `the placed worker answered HTTP ${answer.status} without this app's headers`,
      );
    // A copy whose headers the middleware before this one may still add to (CORS, security).
    return new Response(answer.body, answer);
  } catch (error) {
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "placed worker unreachable",
        requestId: c.get("requestId"),
        timedOut: controller.signal.aborted,
        error: String(error),
      }),
    );
    return errorResponse(
      c,
      "STORE_UNAVAILABLE",
      "The booking service did not answer. Nothing is lost: retry after Retry-After (a booking with the same Idempotency-Key is made at most once).",
      { headers: { "Retry-After": String(PLACED_RETRY_AFTER_S) } },
    );
  } finally {
    clearTimeout(timer);
  }
};

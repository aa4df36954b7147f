/**
 * An optional Idempotency-Key on the admin API's POSTs: a retried create (its answer was lost)
 * gets the first answer again instead of creating a second service, staff member, closure or
 * webhook. The key is scoped to the method and path; the same key with another body is 409
 * IDEMPOTENCY_CONFLICT, as is a repeat while the first is in flight. A success (2xx) is kept and
 * replayed; any other answer frees the key, so that the retry runs the operation again.
 * Registered after the forwarding to the placed worker: only the worker that serves the request
 * claims its key.
 */
import type { MiddlewareHandler } from "hono";
import { sha256Hex } from "../domain/crypto.ts";
import { errorResponse } from "../errors/handle-error.ts";
import { isAdminPath } from "./admin-auth.ts";
import type { AppEnv } from "./app-env.ts";

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export const adminIdempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("Idempotency-Key");
  if (c.req.method !== "POST" || key === undefined || !isAdminPath(c.req.path)) return next();
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    return errorResponse(
      c,
      "BAD_REQUEST",
      "header.idempotency-key: must be 1–200 visible ASCII characters (e.g. a UUID)",
    );
  }
  const repo = c.var.ctx.adminIdempotency;
  const keyHash = await sha256Hex(`admin:${c.req.method} ${c.req.path}:${key}`);
  const bodyHash = await sha256Hex(await c.req.text());
  const claim = await repo.claim({ keyHash, bodyHash, nowMs: c.var.ctx.clock.nowMs() });
  if (claim.kind !== "claimed") {
    if (claim.bodyHash !== bodyHash)
      return errorResponse(
        c,
        "IDEMPOTENCY_CONFLICT",
        "header.idempotency-key: already used with another request body",
      );
    if (claim.kind === "in-flight")
      return errorResponse(
        c,
        "IDEMPOTENCY_CONFLICT",
        "header.idempotency-key: a request with this key is still in flight; retry in a moment",
      );
    return new Response(claim.response, {
      status: claim.status,
      headers: { "Content-Type": "application/json", "X-Request-Id": c.get("requestId") },
    });
  }
  try {
    await next();
  } catch (error) {
    await repo.forget(keyHash).catch(() => undefined);
    throw error;
  }
  // Only a success changed something: a refusal (4xx, which changed nothing) or a failure frees
  // the key, and its retry is judged afresh.
  if (c.res.status >= 300) {
    await repo.forget(keyHash).catch(() => undefined);
    return;
  }
  await repo.complete({ keyHash, status: c.res.status, response: await c.res.clone().text() });
};

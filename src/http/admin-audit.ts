/**
 * The audit log of admin writes: every successful non-GET admin request records who (the
 * ADMIN_TOKEN or the API key's id), what (the operation's id, its target, the request body with
 * secrets redacted), when, from which address and under which request id. Routes whose repo
 * takes the entry into its own transaction (creating and revoking API keys; the admin cancel and
 * reschedule, through their announcement) write it there and set `audited`; every other write
 * is recorded here, right after it succeeded. A failed write
 * of the entry does not undo the change nor fail the answer: it is logged at error level with
 * the whole entry (docs/architecture/sign-in-and-security.md, "Audit log").
 * Mounted after the Idempotency-Key middleware: a replayed answer changed nothing and is not
 * recorded again. Refusals (any status from 300) changed nothing and are not recorded.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { newId } from "../domain/ids.ts";
import type { AuditEntry } from "../domain/ports.ts";
import { log } from "../observability/log.ts";
import { adminOperationOf, isAdminPath } from "./admin-auth.ts";
import type { AppEnv } from "./app-env.ts";
import { clientIp } from "./client-ip.ts";

const REDACTED = "[redacted]";
/** Field names that hold credentials; their values never reach the log. */
const SECRET_FIELD = /secret|token|password|passphrase|apikey|api_key|^key$|authorization/i;

/**
 * How deep a logged body is kept: no request schema nests near it, and a hostile body of a write
 * that needs none (a DELETE) may nest thousands deep, which recursion must not follow.
 */
const MAX_DEPTH = 32;

/** `value` with every secret-looking field redacted, and URLs without credentials or query. */
export function redact(value: unknown, depth = 0): unknown {
  const inner = (field: unknown) =>
    depth + 1 >= MAX_DEPTH ? "[too deep]" : redact(field, depth + 1);
  if (Array.isArray(value)) return value.map(inner);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([name, field]) => [
        name,
        SECRET_FIELD.test(name) ? REDACTED : inner(field),
      ]),
    );
  }
  if (typeof value === "string" && /^https?:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      const hidden = url.username !== "" || url.password !== "" || url.search !== "";
      return hidden ? `${url.origin}${url.pathname}${url.search ? "?[redacted]" : ""}` : value;
    } catch {
      return value;
    }
  }
  return value;
}

/** The operation ids of `app`, by "METHOD /path" as the document spells it. */
function indexOperationIds(app: OpenAPIHono<AppEnv>): Map<string, string> {
  const ids = new Map<string, string>();
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const { method, path, operationId } = definition.route;
    if (operationId) ids.set(`${method.toUpperCase()} ${path}`, operationId);
  }
  return ids;
}

/** The value of the operation path's `{id}` in this request's path, if it has one. */
function pathIdOf(operationPath: string, path: string): string | null {
  const names = operationPath.split("/");
  const values = path.split("/");
  const at = names.indexOf("{id}");
  if (at < 0) return null;
  try {
    return decodeURIComponent(values[at] ?? "") || null;
  } catch {
    return null;
  }
}

/** A created thing's id: the answer's `id`, or that of the object it wraps (`{ webhook: … }`). */
function idOf(answer: unknown): string | null {
  if (typeof answer !== "object" || answer === null) return null;
  const { id } = answer as { id?: unknown };
  if (typeof id === "string") return id;
  for (const value of Object.values(answer)) {
    const inner = (value as { id?: unknown } | null)?.id;
    if (typeof value === "object" && typeof inner === "string") return inner;
  }
  return null;
}

async function bodyOf(c: Context<AppEnv>): Promise<unknown> {
  try {
    const text = await c.req.text();
    return text === "" ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** An entry for this request, as the route that writes its own entry in its transaction needs it. */
export function auditEntryOf(
  c: Context<AppEnv>,
  input: { operation: string; targetId: string | null; change: unknown; status: number },
): AuditEntry {
  return {
    id: newId("aud"),
    atMs: c.var.ctx.clock.nowMs(),
    actor: c.get("admin")?.actor ?? "unknown",
    operation: input.operation,
    method: c.req.method,
    path: c.req.path,
    targetId: input.targetId,
    change: redact(input.change),
    status: input.status,
    address: clientIp(c),
    requestId: c.get("requestId"),
  };
}

export function auditAdminWrites(app: OpenAPIHono<AppEnv>): MiddlewareHandler<AppEnv> {
  let operationIds: Map<string, string> | undefined;
  return async (c, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(c.req.method) || !isAdminPath(c.req.path)) {
      return next();
    }
    const change = await bodyOf(c);
    await next();
    if (c.get("audited") === true || c.res.status >= 300) return;
    operationIds ??= indexOperationIds(app);
    const operation = adminOperationOf(c);
    if (!operation) return;
    let targetId = pathIdOf(operation.path, c.req.path);
    if (targetId === null) {
      targetId = idOf(
        await c.res
          .clone()
          .json()
          .catch(() => null),
      );
    }
    const entry = auditEntryOf(c, {
      operation: operationIds.get(`${operation.method} ${operation.path}`) ?? "unknown",
      targetId,
      change,
      status: c.res.status,
    });
    try {
      await c.var.ctx.audit.record(entry);
    } catch (error) {
      log("error", "audit entry not written", {
        entry,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
}

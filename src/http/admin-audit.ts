/**
 * The audit log of admin writes: every successful non-GET admin request records who (the
 * ADMIN_TOKEN, the API key's id or the business account), what (the operation's id, its target,
 * the request body with secrets redacted), when, from which address and under which request id.
 *
 * The entry is prepared before the route runs and carried in the request's context
 * (`ctx.pendingAudit`): the MySQL write that makes the change records it in the change's own
 * transaction (src/storage/mysql/audit-repo.ts), so the two commit together or not at all. A
 * write whose change is not in MySQL (the Redis sync, a test delivery) or that changed nothing
 * leaves it unwritten, and it is recorded here right after the answer; that write failing does
 * not undo the change nor fail the answer: it is logged at error level with the whole entry
 * (docs/architecture/sign-in-and-security.md, "Audit log"). Routes that build their own entry
 * (the admin cancel and reschedule, through their announcement) set `audited`.
 * Mounted after the Idempotency-Key middleware: a replayed answer changed nothing and is not
 * recorded again. Refusals (any status from 300) changed nothing and are not recorded.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { newId } from "../domain/ids.ts";
import type { AuditEntry, PendingAudit } from "../domain/ports.ts";
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

/** Each operation's id and the status of its success, by "METHOD /path" as the document spells it. */
function indexOperations(app: OpenAPIHono<AppEnv>): Map<string, { id: string; status: number }> {
  const operations = new Map<string, { id: string; status: number }>();
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const { method, path, operationId, responses } = definition.route;
    const status = Number(Object.keys(responses).find((code) => /^2\d\d$/.test(code)) ?? 200);
    if (operationId) operations.set(`${method.toUpperCase()} ${path}`, { id: operationId, status });
  }
  return operations;
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
  let operations: Map<string, { id: string; status: number }> | undefined;
  return async (c, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(c.req.method) || !isAdminPath(c.req.path)) {
      return next();
    }
    const operation = adminOperationOf(c);
    if (!operation) return next();
    operations ??= indexOperations(app);
    const known = operations.get(`${operation.method} ${operation.path}`);
    // Prepared before the write, with the status its success answers: the repo write that makes
    // the change records it in the change's own transaction (src/storage/mysql/audit-repo.ts).
    const pending: PendingAudit = {
      entry: auditEntryOf(c, {
        operation: known?.id ?? "unknown",
        targetId: pathIdOf(operation.path, c.req.path),
        change: await bodyOf(c),
        status: known?.status ?? 200,
      }),
      written: false,
    };
    c.set("ctx", { ...c.var.ctx, pendingAudit: pending });
    await next();
    if (pending.written || c.get("audited") === true || c.res.status >= 300) return;
    // No MySQL write took the entry (a sync of Redis, a test delivery, a write that changed
    // nothing): recorded now, after the answer was decided.
    const entry: AuditEntry = {
      ...pending.entry,
      status: c.res.status,
      targetId:
        pending.entry.targetId ??
        idOf(
          await c.res
            .clone()
            .json()
            .catch(() => null),
        ),
    };
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

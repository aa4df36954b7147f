import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { isBusinessSessionToken, resolveBusinessSession } from "../domain/auth/accounts.ts";
import { parseApiKey, verifyApiKey } from "../domain/auth/api-keys.ts";
import { secretsEqual } from "../domain/crypto.ts";
import { ApiError } from "../errors/api-error.ts";
import { ROLE_SCOPES, roleAllows, STAFF_OPERATIONS, type Scope, scopeOf } from "./admin-scopes.ts";
import type { AdminCaller, AppEnv } from "./app-env.ts";
import { pathMatches } from "./path-pattern.ts";

/** The paths `requireAdmin` guards (mounted by src/routes/admin and src/routes/debug). */
export const ADMIN_PATH = "/v1/admin/*";
export const DEBUG_PATH = "/v1/debug/*";

/** The audit log's name for the owner's credential. */
export const ADMIN_TOKEN_ACTOR = "admin-token";

/** The business accounts' sign-in (src/routes/admin-auth): under /v1/admin/ but needs no credential. */
export const ADMIN_SIGN_IN_PATH = "/v1/admin/auth/*";

/** Whether an operation's path needs an admin credential. */
export function isAdminPath(path: string): boolean {
  if (pathMatches(ADMIN_SIGN_IN_PATH, path)) return false;
  return pathMatches(ADMIN_PATH, path) || pathMatches(DEBUG_PATH, path);
}

export function bearerOf(c: Context<AppEnv>): string {
  const match = /^Bearer\s+(.+)$/i.exec(c.req.header("Authorization") ?? "");
  return match?.[1]?.trim() ?? "";
}

function unauthorized(): ApiError {
  return new ApiError(
    "UNAUTHORIZED",
    "header.authorization: a valid admin bearer token, API key or business session is required",
    { headers: { "WWW-Authenticate": 'Bearer realm="admin"' } },
  );
}

async function isAdminToken(c: Context<AppEnv>, token: string): Promise<boolean> {
  return token !== "" && (await secretsEqual(token, c.var.services.config.ADMIN_TOKEN));
}

/**
 * The cheap half, before the admission (app.ts): the ADMIN_TOKEN is recognised at once; a
 * well-formed API key or business session passes on to `requireAdmin`, which reads its row once the request is
 * admitted; anything else is 401 here, without a place at the admission or a store read.
 */
export const screenAdminCredential: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("admin") || !isAdminPath(c.req.path)) return next();
  const token = bearerOf(c);
  if (await isAdminToken(c, token)) {
    c.set("admin", { actor: ADMIN_TOKEN_ACTOR, keyId: null, scopes: "all" });
  } else if (!parseApiKey(token) && !isBusinessSessionToken(token)) {
    throw unauthorized();
  }
  await next();
};

/** The document's path ("/v1/admin/staff/{id}") and method of the operation Hono routed to. */
export function adminOperationOf(c: Context<AppEnv>): { method: string; path: string } | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== "ALL") {
      return { method: route.method, path: route.path.replaceAll(/\/:([^/{]+)/g, "/{$1}") };
    }
  }
  return undefined;
}

/** Whether a caller may use an operation that needs `scope` (none declared: the owner only). */
export function allows(caller: AdminCaller, scope: Scope | undefined): boolean {
  if (caller.scopes === "all") return true;
  return scope !== undefined && caller.scopes.includes(scope);
}

/**
 * Admin and debug routes: `Authorization: Bearer <ADMIN_TOKEN, API key or business session>`,
 * else 401 UNAUTHORIZED; a credential without the operation's scope (src/http/admin-scopes.ts),
 * or a business account whose role may not call it, is 403 FORBIDDEN; a staff account asking for
 * another staff member's data is 404 (`checkStaffOwnership`). The ADMIN_TOKEN is the owner's break-glass credential and holds every scope. An
 * API key's row is read on every request (admin requests are few), so a revoked or expired key
 * fails on the next one. app.ts runs it after the admission; the admin and debug routers run it
 * again, so that neither is ever mounted unguarded; the second run finds the caller known.
 */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("adminAuthorized") === true || !isAdminPath(c.req.path)) return next();
  let caller = c.get("admin");
  if (!caller) {
    caller = await callerOf(c, bearerOf(c));
    c.set("admin", caller);
  }
  const operation = adminOperationOf(c);
  if (operation) {
    const scope = scopeOf(operation.method, operation.path);
    const account = caller.account;
    if (account && !roleAllows(account.role, operation.method, operation.path)) {
      throw new ApiError(
        "FORBIDDEN",
        `header.authorization: the ${account.role} role may not call this operation`,
      );
    }
    if (!allows(caller, scope)) {
      throw new ApiError(
        "FORBIDDEN",
        scope
          ? `header.authorization: this API key lacks the scope "${scope}"`
          : "header.authorization: only the owner (ADMIN_TOKEN or an owner account) may call this operation",
      );
    }
    if (account?.role === "staff") await checkStaffOwnership(c, account.staffId, operation);
  }
  c.set("adminAuthorized", true);
  await next();
};

/** The caller a bearer token proves: the ADMIN_TOKEN, an API key or a business session; else 401. */
async function callerOf(c: Context<AppEnv>, token: string): Promise<AdminCaller> {
  if (await isAdminToken(c, token)) return { actor: ADMIN_TOKEN_ACTOR, keyId: null, scopes: "all" };
  if (isBusinessSessionToken(token)) {
    const account = await resolveBusinessSession(c.var.ctx, token);
    if (!account) throw unauthorized();
    return {
      actor: `account:${account.id}`,
      keyId: null,
      scopes: ROLE_SCOPES[account.role],
      account: { id: account.id, role: account.role, staffId: account.staffId },
    };
  }
  const key = await verifyApiKey(c.var.ctx, token);
  if (!key) throw unauthorized();
  return { actor: `key:${key.id}`, keyId: key.id, scopes: key.scopes };
}

/** The request path's value at the operation path's `{id}` ("" if none or undecodable). */
function pathIdOf(operationPath: string, path: string): string {
  const at = operationPath.split("/").indexOf("{id}");
  try {
    return at < 0 ? "" : decodeURIComponent(path.split("/")[at] ?? "");
  } catch {
    return "";
  }
}

/**
 * A staff account's data is its own staff member's: another staff member's schedule, overrides
 * or appointment is 404, as if it did not exist (a 403 would confirm it does). Lists are
 * filtered by the route through `staffScopeOf`.
 */
async function checkStaffOwnership(
  c: Context<AppEnv>,
  staffId: string | null,
  operation: { method: string; path: string },
): Promise<void> {
  const ownership = STAFF_OPERATIONS[`${operation.method} ${operation.path}`];
  const id = pathIdOf(operation.path, c.req.path);
  if (ownership === "own-staff") {
    if (id !== staffId) throw new ApiError("NOT_FOUND", `param.id: no staff member ${id}`);
  } else if (ownership === "own-appointment") {
    const [appointment] = await c.var.ctx.bookings.getAppointments([id]);
    if (!appointment || appointment.staffId !== staffId) {
      throw new ApiError("NOT_FOUND", `param.id: no appointment ${id}`);
    }
  }
}

/**
 * The staff member a list is limited to: a staff account's own (asking for another's is 404),
 * else whatever the caller asked for. Every list a staff account may call goes through it.
 */
export function staffScopeOf(
  c: Context<AppEnv>,
  requested: string | undefined,
): string | undefined {
  const account = c.get("admin")?.account;
  if (account?.role !== "staff") return requested;
  if (requested !== undefined && requested !== account.staffId) {
    throw new ApiError("NOT_FOUND", `query.staffId: no staff member ${requested}`);
  }
  if (account.staffId === null) {
    throw new ApiError("FORBIDDEN", "header.authorization: this staff account has no staff member");
  }
  return account.staffId;
}

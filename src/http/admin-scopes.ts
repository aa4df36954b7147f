/**
 * What each admin and debug operation needs, in one place: the OpenAPI document declares it
 * (src/routes/shared/common-answers.ts puts it in the operation's `security` and
 * `x-required-scopes`) and `requireAdmin` enforces it (src/http/admin-auth.ts), both from
 * `OPERATION_SCOPES`. A new admin route adds one line there. An operation missing from it is
 * owner-only (only ADMIN_TOKEN passes) and fails src/http/admin-scopes.test.ts.
 */

/** Every scope an API key can carry (docs/architecture/sign-in-and-security.md). */
export const SCOPES = [
  "appointments:read",
  "appointments:write",
  "catalog:read",
  "catalog:write",
  "schedules:write",
  "settings:write",
  "webhooks:manage",
  "audit:read",
  "ops",
  "proxy",
  "accounts:manage",
  "keys:manage",
] as const;

export type Scope = (typeof SCOPES)[number];

/** Scopes only the owner (ADMIN_TOKEN) may grant: a key with them could widen its own access. */
export const OWNER_ONLY_SCOPES: readonly Scope[] = ["accounts:manage", "keys:manage"];

/** The scope of each admin and debug operation, by "METHOD /path" as the document spells it. */
export const OPERATION_SCOPES: Readonly<Record<string, Scope>> = {
  "GET /v1/admin/appointments": "appointments:read",
  "GET /v1/admin/appointments/{id}": "appointments:read",
  "GET /v1/admin/appointments/{id}/messages": "appointments:read",
  "POST /v1/admin/appointments/{id}/cancel": "appointments:write",
  "POST /v1/admin/appointments/{id}/reschedule": "appointments:write",
  "POST /v1/admin/appointments/{id}/attendance": "appointments:write",
  "GET /v1/admin/stats": "appointments:read",
  "GET /v1/admin/live": "appointments:read",
  "GET /v1/admin/services": "catalog:read",
  "GET /v1/admin/services/{id}": "catalog:read",
  "POST /v1/admin/services": "catalog:write",
  "PATCH /v1/admin/services/{id}": "catalog:write",
  "DELETE /v1/admin/services/{id}": "catalog:write",
  "GET /v1/admin/staff": "catalog:read",
  "GET /v1/admin/staff/{id}": "catalog:read",
  "POST /v1/admin/staff": "catalog:write",
  "PATCH /v1/admin/staff/{id}": "catalog:write",
  "DELETE /v1/admin/staff/{id}": "catalog:write",
  "POST /v1/admin/staff/{id}/calendar-key": "catalog:write",
  "DELETE /v1/admin/staff/{id}/calendar-key": "catalog:write",
  "GET /v1/admin/staff/{id}/schedule": "catalog:read",
  "GET /v1/admin/staff/{id}/overrides": "catalog:read",
  "GET /v1/admin/closures": "catalog:read",
  "PUT /v1/admin/staff/{id}/schedule": "schedules:write",
  "PUT /v1/admin/staff/{id}/overrides/{date}": "schedules:write",
  "DELETE /v1/admin/staff/{id}/overrides/{date}": "schedules:write",
  "POST /v1/admin/closures": "schedules:write",
  "DELETE /v1/admin/closures/{id}": "schedules:write",
  // No read scope of its own: who may change the settings may read them.
  "GET /v1/admin/settings": "settings:write",
  "PUT /v1/admin/settings": "settings:write",
  "GET /v1/admin/webhooks": "webhooks:manage",
  "GET /v1/admin/webhooks/{id}": "webhooks:manage",
  "POST /v1/admin/webhooks": "webhooks:manage",
  "PATCH /v1/admin/webhooks/{id}": "webhooks:manage",
  "DELETE /v1/admin/webhooks/{id}": "webhooks:manage",
  "POST /v1/admin/webhooks/{id}/rotate-secret": "webhooks:manage",
  "GET /v1/admin/webhooks/{id}/deliveries": "webhooks:manage",
  "POST /v1/admin/webhooks/{id}/test": "webhooks:manage",
  "GET /v1/admin/api-keys": "keys:manage",
  "POST /v1/admin/api-keys": "keys:manage",
  "DELETE /v1/admin/api-keys/{id}": "keys:manage",
  "GET /v1/admin/accounts": "accounts:manage",
  "POST /v1/admin/accounts": "accounts:manage",
  "PATCH /v1/admin/accounts/{id}": "accounts:manage",
  "DELETE /v1/admin/accounts/{id}": "accounts:manage",
  "GET /v1/admin/audit": "audit:read",
  "GET /v1/admin/outbox": "ops",
  "POST /v1/admin/sync": "ops",
  "GET /v1/debug/noop": "ops",
  "GET /v1/debug/redis-ping": "ops",
  "GET /v1/debug/locks": "ops",
  "GET /v1/debug/redis-status": "ops",
  "GET /v1/debug/metrics": "ops",
};

/** The scope an operation needs ("POST", "/v1/admin/closures"), or undefined: owner-only. */
export function scopeOf(method: string, path: string): Scope | undefined {
  return OPERATION_SCOPES[`${method.toUpperCase()} ${path}`];
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * The roles of business accounts (src/domain/auth/accounts.ts), as scopes: the owner holds every
 * scope, like the ADMIN_TOKEN; a manager every one but those that hand out access or send data
 * out; a staff account the scopes below, narrowed further by `STAFF_OPERATIONS`.
 */
export const ROLES = ["owner", "manager", "staff"] as const;
export type Role = (typeof ROLES)[number];

const MANAGER_EXCLUDED: readonly Scope[] = ["accounts:manage", "keys:manage", "webhooks:manage"];

export const ROLE_SCOPES: Readonly<Record<Role, "all" | readonly Scope[]>> = {
  owner: "all",
  manager: SCOPES.filter((scope) => !MANAGER_EXCLUDED.includes(scope)),
  staff: ["appointments:read", "appointments:write", "catalog:read", "schedules:write"],
};

/**
 * How a staff account's own resources are told apart in an operation it may call:
 * - `shared`: the business's catalog, the same for everyone;
 * - `own-staff`: the path's `{id}` is a staff member: another's is 404;
 * - `own-appointment`: the path's `{id}` is an appointment: another staff member's is 404;
 * - `own-list`: a list the route filters to the account's staff member (`staffScopeOf`);
 *   asking for another staff member's is 404.
 */
export type StaffOwnership = "shared" | "own-staff" | "own-appointment" | "own-list";

/**
 * The only operations a staff account may call (any other is 403 even where its scopes would
 * cover it: cancel, reschedule, a schedule's weekly hours, closures, the stats), and how each
 * one's resources are its own. Enforced in one place: `requireAdmin` (src/http/admin-auth.ts).
 */
export const STAFF_OPERATIONS: Readonly<Record<string, StaffOwnership>> = {
  "GET /v1/admin/appointments": "own-list",
  "GET /v1/admin/live": "own-list",
  "GET /v1/admin/appointments/{id}": "own-appointment",
  "GET /v1/admin/appointments/{id}/messages": "own-appointment",
  "POST /v1/admin/appointments/{id}/attendance": "own-appointment",
  "GET /v1/admin/services": "shared",
  "GET /v1/admin/services/{id}": "shared",
  "GET /v1/admin/staff": "shared",
  "GET /v1/admin/staff/{id}": "shared",
  "GET /v1/admin/closures": "shared",
  "GET /v1/admin/staff/{id}/schedule": "own-staff",
  "GET /v1/admin/staff/{id}/overrides": "own-staff",
  "PUT /v1/admin/staff/{id}/overrides/{date}": "own-staff",
  "DELETE /v1/admin/staff/{id}/overrides/{date}": "own-staff",
};

/** Whether a role may call an operation (by its scope, and for staff by `STAFF_OPERATIONS`). */
export function roleAllows(role: Role, method: string, path: string): boolean {
  const key = `${method.toUpperCase()} ${path}`;
  const scopes = ROLE_SCOPES[role];
  const scope = OPERATION_SCOPES[key];
  if (scopes === "all") return true;
  if (scope === undefined || !scopes.includes(scope)) return false;
  return role !== "staff" || key in STAFF_OPERATIONS;
}

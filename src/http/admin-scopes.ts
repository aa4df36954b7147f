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
  "POST /v1/admin/appointments/{id}/cancel": "appointments:write",
  "POST /v1/admin/appointments/{id}/reschedule": "appointments:write",
  "POST /v1/admin/appointments/{id}/attendance": "appointments:write",
  "GET /v1/admin/stats": "appointments:read",
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

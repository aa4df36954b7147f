/**
 * The credentials the hostile-input suite sends admin requests with, and what each one must get.
 * Every kind the admin API knows: the ADMIN_TOKEN, an owner, a manager and two staff sessions
 * (one whose staff member the baselines name, one whose staff member they never name), an API key
 * with exactly the operation's scope, one with another scope, and a revoked key. The expectation
 * comes from the same tables the server enforces (src/http/admin-scopes.ts), so a credential that
 * opens more or less than they say fails here.
 */
import { expect } from "vitest";
import {
  roleAllows,
  SCOPES,
  type Scope,
  STAFF_OPERATIONS,
  scopeOf,
} from "../../src/http/admin-scopes.ts";
import type { Api } from "../drivers/api.ts";
import { createTestAccount, signInAccount } from "../fixtures/account-fixtures.ts";
import { createTestService, createTestStaff } from "../fixtures/catalog-fixtures.ts";
import type { HostileFixture } from "./fixture.ts";
import type { Operation } from "./openapi-walk.ts";

export type CredentialKind =
  | "owner session"
  | "manager session"
  | "staff session"
  | "another staff member's session"
  | "key with the operation's scope"
  | "key with another scope"
  | "revoked key";

export const CREDENTIAL_KINDS: readonly CredentialKind[] = [
  "owner session",
  "manager session",
  "staff session",
  "another staff member's session",
  "key with the operation's scope",
  "key with another scope",
  "revoked key",
];

/**
 * What a credential must get on an operation, whatever the input:
 * - `allowed`: it may call it; the answer is judged like the ADMIN_TOKEN's (2xx or 4xx naming
 *   the field);
 * - `forbidden`: 403, the same body for every input (the refusal comes before the input is read);
 * - `unauthorized`: 401, the same body for every input;
 * - `not-found`: a staff session naming another staff member's resource: 404 on `param.id`, as if
 *   it did not exist.
 */
export type Expectation = "allowed" | "forbidden" | "unauthorized" | "not-found";

export interface Credentials {
  owner: string;
  manager: string;
  /** A staff account of the fixture's admin staff member (whose schedule the baselines change). */
  staff: string;
  /** A staff account of a staff member no baseline names. */
  otherStaff: string;
  keyByScope: Record<Scope, string>;
  revokedKey: string;
}

async function createKey(api: Api, scopes: string[]): Promise<{ id: string; key: string }> {
  const res = await api.admin("POST", "/v1/admin/api-keys", { name: "hostile", scopes });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

async function session(api: Api, role: "owner" | "manager" | "staff", staffId?: string) {
  return signInAccount(api, (await createTestAccount(api, role, staffId ?? null)).email);
}

export async function createCredentials(api: Api, fx: HostileFixture): Promise<Credentials> {
  const { id: serviceId } = await createTestService(api);
  const { id: otherStaffId } = await createTestStaff(api, { serviceIds: [serviceId] });
  const keyByScope = {} as Record<Scope, string>;
  // A key grants only scopes it holds, and never an owner's: the `keys:manage` key also holds the
  // scope the baseline's new key asks for (its schema's example), so that it can create it.
  for (const scope of SCOPES) {
    const scopes = scope === "keys:manage" ? [scope, "appointments:read"] : [scope];
    keyByScope[scope] = (await createKey(api, scopes)).key;
  }
  const revoked = await createKey(api, [...SCOPES]);
  const revoke = await api.admin("DELETE", `/v1/admin/api-keys/${revoked.id}`);
  expect(revoke.status).toBe(200);
  return {
    owner: await session(api, "owner"),
    manager: await session(api, "manager"),
    staff: await session(api, "staff", fx.adminStaffId),
    otherStaff: await session(api, "staff", otherStaffId),
    keyByScope,
    revokedKey: revoked.key,
  };
}

/** A scope other than `scope` (an owner-only operation has none, and any key is refused). */
function anotherScope(scope: Scope | undefined): Scope {
  return scope === "audit:read" ? "ops" : "audit:read";
}

/** The bearer token of `kind` for `op`. */
export function tokenFor(credentials: Credentials, kind: CredentialKind, op: Operation): string {
  const scope = scopeOf(op.method, op.path);
  switch (kind) {
    case "owner session":
      return credentials.owner;
    case "manager session":
      return credentials.manager;
    case "staff session":
      return credentials.staff;
    case "another staff member's session":
      return credentials.otherStaff;
    case "key with the operation's scope":
      return credentials.keyByScope[scope ?? "ops"];
    case "key with another scope":
      return credentials.keyByScope[anotherScope(scope)];
    case "revoked key":
      return credentials.revokedKey;
  }
}

/**
 * What `kind` must get on `op` with the baseline's ids: the fixture's admin staff member's
 * schedule and overrides, and appointments of the fixture's live staff member.
 */
export function expectationOf(kind: CredentialKind, op: Operation): Expectation {
  const role = kind === "owner session" ? "owner" : kind === "manager session" ? "manager" : null;
  if (role) return roleAllows(role, op.method, op.path) ? "allowed" : "forbidden";
  if (kind === "revoked key") return "unauthorized";
  if (kind === "key with another scope") return "forbidden";
  if (kind === "key with the operation's scope") {
    return scopeOf(op.method, op.path) === undefined ? "forbidden" : "allowed";
  }
  if (!roleAllows("staff", op.method, op.path)) return "forbidden";
  const ownership = STAFF_OPERATIONS[op.key];
  if (ownership === "own-appointment") return "not-found";
  if (ownership === "own-staff" && kind === "another staff member's session") return "not-found";
  return "allowed";
}

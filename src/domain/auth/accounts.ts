/**
 * The business's accounts: people who use the admin API with their own email sign-in instead of
 * the owner's ADMIN_TOKEN or a machine's API key. Each has one role (owner, manager, staff; what
 * a role may do is src/http/admin-scopes.ts); a staff account is one staff member. They sign in
 * with an emailed code in the business realm (src/domain/auth/sign-in.ts, realm "business"),
 * whose sessions are never a customer's and the other way round
 * (docs/adr/0415-business-sign-in-realm.md).
 */
import { sha256Hex } from "../crypto.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { AccountRecord, AccountRole, DomainContext } from "../ports.ts";
import { BUSINESS_SESSION_PREFIX, normalizeEmail } from "./sign-in.ts";

const SESSION_PATTERN = /^ae_bs_[A-Za-z0-9_-]{43}$/;

/** Whether a bearer token has the shape of a business session (checked before any store read). */
export function isBusinessSessionToken(token: string): boolean {
  return token.startsWith(BUSINESS_SESSION_PREFIX) && SESSION_PATTERN.test(token);
}

/** The active account a business session token proves, with its current role; else null. */
export async function resolveBusinessSession(
  ctx: DomainContext,
  token: string,
): Promise<AccountRecord | null> {
  if (!isBusinessSessionToken(token)) return null;
  return ctx.accounts.findSession(await sha256Hex(token), ctx.clock.nowMs());
}

export async function endBusinessSession(ctx: DomainContext, token: string): Promise<void> {
  if (
    !isBusinessSessionToken(token) ||
    !(await ctx.accounts.revokeSession(await sha256Hex(token), ctx.clock.nowMs()))
  ) {
    throw new DomainError("UNAUTHORIZED", "header.authorization: no such business session");
  }
}

/** A staff account names exactly one existing staff member; the other roles name none. */
async function checkedStaffLink(
  ctx: DomainContext,
  role: AccountRole,
  staffId: string | null | undefined,
): Promise<string | null> {
  if (role !== "staff") {
    if (staffId) {
      throw new DomainError("BAD_REQUEST", `body.staffId: only a staff account has a staff member`);
    }
    return null;
  }
  if (!staffId) {
    throw new DomainError("BAD_REQUEST", "body.staffId: a staff account needs its staff member");
  }
  if (!(await ctx.catalog.getStaff(staffId))) {
    throw new DomainError("BAD_REQUEST", `body.staffId: no staff member ${staffId}`);
  }
  return staffId;
}

export async function createAccount({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: {
    email: string;
    name: string;
    role: AccountRole;
    staffId?: string | null | undefined;
    createdBy: string;
  };
}): Promise<AccountRecord> {
  const nowMs = ctx.clock.nowMs();
  const account: AccountRecord = {
    id: newId("acc"),
    email: normalizeEmail(input.email),
    name: input.name,
    role: input.role,
    staffId: await checkedStaffLink(ctx, input.role, input.staffId),
    createdBy: input.createdBy,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    deactivatedAtMs: null,
  };
  if ((await ctx.accounts.create(account, ctx.pendingAudit)) === "email-taken") {
    throw new DomainError("CONFLICT", `body.email: an account with ${account.email} exists`);
  }
  return account;
}

function accountNotFound(id: string): DomainError {
  return new DomainError("NOT_FOUND", `param.id: no account ${id}`);
}

function accountDeactivated(id: string): DomainError {
  return new DomainError("CONFLICT", `param.id: account ${id} is deactivated`);
}

/** Changes the name, role or staff link; the role takes effect on the account's next request. */
export async function updateAccount({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: {
    id: string;
    name?: string | undefined;
    role?: AccountRole | undefined;
    staffId?: string | null | undefined;
  };
}): Promise<AccountRecord> {
  const current = await ctx.accounts.find(input.id);
  if (!current) throw accountNotFound(input.id);
  if (current.deactivatedAtMs !== null) throw accountDeactivated(input.id);
  const role = input.role ?? current.role;
  // Moving away from staff drops the link; staying staff keeps it unless a new one is given.
  const staffId =
    input.staffId !== undefined ? input.staffId : role === "staff" ? current.staffId : null;
  const updated = await ctx.accounts.update(
    input.id,
    {
      name: input.name ?? current.name,
      role,
      staffId: await checkedStaffLink(ctx, role, staffId),
    },
    ctx.clock.nowMs(),
    ctx.pendingAudit,
  );
  if (updated === null) throw accountNotFound(input.id);
  if (updated === "deactivated") throw accountDeactivated(input.id);
  return updated;
}

/** Deactivates it and revokes its sessions: its next request is 401. Again: no change. */
export async function deactivateAccount({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<AccountRecord> {
  const account = await ctx.accounts.deactivate(input.id, ctx.clock.nowMs(), ctx.pendingAudit);
  if (!account) throw accountNotFound(input.id);
  return account;
}

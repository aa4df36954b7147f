import { createRoute } from "@hono/zod-openapi";
import { createAccount, deactivateAccount, updateAccount } from "../../../domain/auth/accounts.ts";
import type { AccountRecord } from "../../../domain/ports.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import {
  AccountIdParam,
  AccountList,
  AccountSchema,
  CreateAccountBody,
  UpdateAccountBody,
} from "./schema.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function present(account: AccountRecord) {
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    role: account.role,
    staffId: account.staffId,
    createdAt: new Date(account.createdAtMs).toISOString(),
    createdBy: account.createdBy,
    updatedAt: new Date(account.updatedAtMs).toISOString(),
    deactivatedAt: iso(account.deactivatedAtMs),
  };
}

const TAGS = ["Admin: accounts"];

const create = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/accounts",
      operationId: "adminCreateAccount",
      tags: TAGS,
      summary: "Create a business account",
      description:
        "A person who signs in to the admin API with an emailed code (POST /v1/admin/auth/otp) and acts with the scopes of its `role`. A `staff` account names its staff member in `staffId` (400 without, or for another role). 409 `CONFLICT` if an account (active or not) has the email.",
      security: AdminSecurity,
      request: {
        body: { required: true, content: { "application/json": { schema: CreateAccountBody } } },
      },
      responses: {
        201: {
          description: "Created.",
          content: { "application/json": { schema: AccountSchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "CONFLICT"),
      },
    },
    { store: true },
  ),
);

const list = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/accounts",
      operationId: "adminListAccounts",
      tags: TAGS,
      summary: "List business accounts",
      description: "Every account, deactivated ones too, newest first.",
      security: AdminSecurity,
      responses: {
        200: {
          description: "The accounts.",
          content: { "application/json": { schema: AccountList } },
        },
        ...errorResponses("UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

const update = createRoute(
  withCommonAnswers(
    {
      method: "patch",
      path: "/v1/admin/accounts/{id}",
      operationId: "adminUpdateAccount",
      tags: TAGS,
      summary: "Change an account's name, role or staff member",
      description:
        "The new role applies from the account's next request (every request reads it). Leaving `staff` drops the staff member; becoming `staff` needs `staffId`. 409 `CONFLICT` for a deactivated account.",
      security: AdminSecurity,
      request: {
        params: AccountIdParam,
        body: { required: true, content: { "application/json": { schema: UpdateAccountBody } } },
      },
      responses: {
        200: {
          description: "The account.",
          content: { "application/json": { schema: AccountSchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND", "CONFLICT"),
      },
    },
    { store: true },
  ),
);

const deactivate = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/admin/accounts/{id}",
      operationId: "adminDeactivateAccount",
      tags: TAGS,
      summary: "Deactivate an account",
      description:
        "Its sessions are revoked: its next request is 401, and it can no longer sign in (a code request for its email answers the same 202 and sends nothing). The row stays, so that the audit log's `account:<id>` stays explained. Deactivating again changes nothing and answers it again.",
      security: AdminSecurity,
      request: { params: AccountIdParam },
      responses: {
        200: {
          description: "The deactivated account.",
          content: { "application/json": { schema: AccountSchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const adminAccountRoutes = createRouter()
  .openapi(create, async (c) => {
    const account = await createAccount({
      ctx: c.var.ctx,
      input: { ...c.req.valid("json"), createdBy: c.get("admin")?.actor ?? "unknown" },
    });
    return c.json(AccountSchema.parse(present(account)), 201);
  })
  .openapi(list, async (c) => {
    const accounts = await c.var.ctx.accounts.list();
    return c.json(AccountList.parse({ accounts: accounts.map(present) }), 200);
  })
  .openapi(update, async (c) => {
    const account = await updateAccount({
      ctx: c.var.ctx,
      input: { ...c.req.valid("param"), ...c.req.valid("json") },
    });
    return c.json(AccountSchema.parse(present(account)), 200);
  })
  .openapi(deactivate, async (c) => {
    const account = await deactivateAccount({ ctx: c.var.ctx, input: c.req.valid("param") });
    return c.json(AccountSchema.parse(present(account)), 200);
  });

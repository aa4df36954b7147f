import { z } from "@hono/zod-openapi";
import { ROLES } from "../../../http/admin-scopes.ts";
import { DateTime, Id, WellFormed } from "../../shared/schemas.ts";

export const RoleName = z.enum(ROLES).openapi({
  description:
    "`owner`: every scope. `manager`: every scope but `accounts:manage`, `keys:manage` and `webhooks:manage`. `staff`: its own staff member's appointments (read, attendance), schedule (read) and overrides (read, write), and the catalog (read); anything else is 403, another staff member's data 404.",
  example: "manager",
});

const AccountEmail = z
  .email()
  .max(254)
  .openapi({ description: "Where its sign-in codes go; unique.", example: "lea@salon.example" });

const AccountName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine(...WellFormed)
  .openapi({ description: "The person's name.", example: "Lea Brandt" });

const StaffLink = Id("stf_demo_ana").openapi({
  description: "The staff member this account is: required for `staff`, refused for the others.",
});

export const CreateAccountBody = z
  .strictObject({
    email: AccountEmail,
    name: AccountName,
    role: RoleName,
    staffId: StaffLink.nullable().optional(),
  })
  .openapi("CreateAccountInput");

export const UpdateAccountBody = z
  .strictObject({
    name: AccountName.optional(),
    role: RoleName.optional(),
    staffId: StaffLink.nullable().optional(),
  })
  .openapi("UpdateAccountInput");

export const AccountSchema = z
  .object({
    id: z.string().openapi({ example: "acc_7k2m9q4x8v1c3b6n5z0w" }),
    email: z.string(),
    name: z.string(),
    role: RoleName,
    staffId: z.string().nullable().openapi({ description: "A staff account's staff member." }),
    createdAt: DateTime("When it was created."),
    createdBy: z.string().openapi({
      description: "`admin-token`, `key:<id>` or `account:<id>`.",
      example: "admin-token",
    }),
    updatedAt: DateTime("When it last changed."),
    deactivatedAt: DateTime("When it was deactivated; null: it is active.").nullable(),
  })
  .openapi("Account");

export const AccountList = z.object({ accounts: z.array(AccountSchema) }).openapi("AccountList");

export const AccountIdParam = z.object({
  id: Id("acc_7k2m9q4x8v1c3b6n5z0w").openapi({
    description: "The account's id.",
    param: { name: "id", in: "path" },
  }),
});

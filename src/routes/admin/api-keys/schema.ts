import { z } from "@hono/zod-openapi";
import { SCOPES } from "../../../http/admin-scopes.ts";
import { DateTime, WellFormed } from "../../shared/schemas.ts";

export const ScopeName = z.enum(SCOPES).openapi({
  description:
    "One of the admin API's scopes; each operation lists the one it needs (`x-required-scopes`). `accounts:manage` and `keys:manage` are the owner's to grant.",
  example: "appointments:read",
});

const FutureInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: "must be an ISO 8601 date-time with an offset, e.g. 2027-01-01T00:00:00Z",
  })
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be a real date-time")
  .openapi({ format: "date-time", example: "2027-06-30T00:00:00Z" });

export const CreateApiKeyBody = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine(...WellFormed)
      .openapi({ description: "What the key is for.", example: "Front desk tablet sync" }),
    scopes: z
      .array(ScopeName)
      .min(1)
      .max(SCOPES.length)
      .openapi({ description: "What the key may do.", example: ["appointments:read"] }),
    expiresAt: FutureInstant.nullable().optional().openapi({
      description: "When the key stops working (in the future); omit or null: never.",
      example: "2027-06-30T00:00:00Z",
    }),
  })
  .openapi("CreateApiKeyInput");

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ description: "The key's public id.", example: "k7f3a9b2e41d8m0p" }),
    prefix: z.string().openapi({
      description: "The visible start of the key (`ae_live_<id>`), to recognise it.",
      example: "ae_live_k7f3a9b2e41d8m0p",
    }),
    name: z.string(),
    scopes: z.array(ScopeName),
    createdAt: DateTime("When it was created."),
    createdBy: z
      .string()
      .openapi({ description: "`admin-token` or `key:<id>`.", example: "admin-token" }),
    expiresAt: DateTime("When it stops working; null: never.").nullable(),
    revokedAt: DateTime("When it was revoked; null: it was not.").nullable(),
  })
  .openapi("ApiKey");

export const CreatedApiKey = ApiKeySchema.extend({
  key: z.string().openapi({
    description:
      "The key itself, shown this once (only its hash is kept). Send it as `Authorization: Bearer <key>`.",
    example: "ae_live_k7f3a9b2e41d8m0p_3q2f9Xw0bYc8VtR1mN5sKz7HdE4jLp6GaU2oIy9TfQe",
  }),
}).openapi("CreatedApiKey");

export const ApiKeyList = z.object({ apiKeys: z.array(ApiKeySchema) }).openapi("ApiKeyList");

export const ApiKeyIdParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-z]{16}$/, "must be an API key id (16 lower-case letters and digits)")
    .openapi({
      description: "The key's public id.",
      example: "k7f3a9b2e41d8m0p",
      param: { name: "id", in: "path" },
    }),
});

import { createRoute } from "@hono/zod-openapi";
import { API_KEY_PREFIX, issueApiKey } from "../../../domain/auth/api-keys.ts";
import type { ApiKeyRecord } from "../../../domain/ports.ts";
import { ApiError } from "../../../errors/api-error.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { OWNER_ONLY_SCOPES } from "../../../http/admin-scopes.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import {
  ApiKeyIdParam,
  ApiKeyList,
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKey,
} from "./schema.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function present(key: ApiKeyRecord) {
  return {
    id: key.id,
    prefix: `${API_KEY_PREFIX}${key.id}`,
    name: key.name,
    scopes: key.scopes,
    createdAt: new Date(key.createdAtMs).toISOString(),
    createdBy: key.createdBy,
    expiresAt: iso(key.expiresAtMs),
    revokedAt: iso(key.revokedAtMs),
  };
}

const TAGS = ["Admin: API keys"];

const create = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/api-keys",
      operationId: "adminCreateApiKey",
      tags: TAGS,
      summary: "Create an API key",
      description:
        "A key for `Authorization: Bearer`, holding the listed scopes, shown once in `key`. A key can grant only scopes its creator holds; `accounts:manage` and `keys:manage` only the owner can grant: the ADMIN_TOKEN or an `owner` account's session (else 403 `FORBIDDEN`). The audit entry is written in the same transaction.",
      security: AdminSecurity,
      request: {
        body: { required: true, content: { "application/json": { schema: CreateApiKeyBody } } },
      },
      responses: {
        201: {
          description: "Created; `key` is shown this once.",
          content: { "application/json": { schema: CreatedApiKey } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN"),
      },
    },
    { store: true },
  ),
);

const list = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/api-keys",
      operationId: "adminListApiKeys",
      tags: TAGS,
      summary: "List API keys",
      description: "Every key, revoked and expired ones too, newest first; never a secret.",
      security: AdminSecurity,
      responses: {
        200: {
          description: "The keys.",
          content: { "application/json": { schema: ApiKeyList } },
        },
        ...errorResponses("UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

const revoke = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/admin/api-keys/{id}",
      operationId: "adminRevokeApiKey",
      tags: TAGS,
      summary: "Revoke an API key",
      description:
        "The key fails with 401 from the next request on (every admin request reads its key's row). Revoking a revoked key changes nothing and answers it again. The audit entry is written in the same transaction.",
      security: AdminSecurity,
      request: { params: ApiKeyIdParam },
      responses: {
        200: {
          description: "The revoked key.",
          content: { "application/json": { schema: ApiKeySchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const adminApiKeyRoutes = createRouter()
  .openapi(create, async (c) => {
    const input = c.req.valid("json");
    const caller = c.get("admin");
    if (!caller) throw new ApiError("UNAUTHORIZED", "header.authorization: not checked");
    for (const scope of input.scopes) {
      const owned = caller.scopes === "all" || caller.scopes.includes(scope);
      if (!owned || (caller.scopes !== "all" && OWNER_ONLY_SCOPES.includes(scope))) {
        throw new ApiError(
          "FORBIDDEN",
          `body.scopes: "${scope}" can only be granted by ${owned ? "the owner (ADMIN_TOKEN or an owner account)" : "a caller holding it"}`,
        );
      }
    }
    const expiresAtMs = input.expiresAt ? Date.parse(input.expiresAt) : null;
    if (expiresAtMs !== null && expiresAtMs <= c.var.ctx.clock.nowMs()) {
      throw new ApiError("BAD_REQUEST", "body.expiresAt: must be in the future");
    }
    const { key, token } = await issueApiKey({
      ctx: c.var.ctx,
      name: input.name,
      scopes: input.scopes,
      expiresAtMs,
      createdBy: caller.actor,
    });
    return c.json(CreatedApiKey.parse({ ...present(key), key: token }), 201);
  })
  .openapi(list, async (c) => {
    const keys = await c.var.ctx.apiKeys.list();
    return c.json(ApiKeyList.parse({ apiKeys: keys.map(present) }), 200);
  })
  .openapi(revoke, async (c) => {
    const { id } = c.req.valid("param");
    const key = await c.var.ctx.apiKeys.revoke(id, c.var.ctx.clock.nowMs(), c.var.ctx.pendingAudit);
    if (!key) throw new ApiError("NOT_FOUND", `param.id: no API key ${id}`);
    return c.json(ApiKeySchema.parse(present(key)), 200);
  });

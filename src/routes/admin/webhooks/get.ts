import { createRoute } from "@hono/zod-openapi";
import { getWebhook } from "../../../domain/webhooks/manage-webhooks.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { TAGS, toWebhook, WebhookEnvelope, WebhookIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/webhooks/{id}",
      operationId: "adminGetWebhook",
      tags: TAGS,
      summary: "Read a webhook endpoint",
      security: AdminSecurity,
      request: { params: WebhookIdParam },
      responses: {
        200: {
          description: "The endpoint.",
          content: { "application/json": { schema: WebhookEnvelope } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const getWebhookRoute = createRouter().openapi(route, async (c) => {
  const endpoint = await getWebhook({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.json(WebhookEnvelope.parse({ webhook: toWebhook(endpoint) }), 200);
});

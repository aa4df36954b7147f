import { createRoute } from "@hono/zod-openapi";
import { createWebhook } from "../../../domain/webhooks/manage-webhooks.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { TAGS, toWebhook, WebhookCreate, WebhookCreated } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/webhooks",
      operationId: "adminCreateWebhook",
      tags: TAGS,
      summary: "Register a webhook endpoint",
      description:
        "Events are signed per the Standard Webhooks spec (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`). The signing secret is returned only in this answer.",
      security: AdminSecurity,
      request: {
        body: { required: true, content: { "application/json": { schema: WebhookCreate } } },
      },
      responses: {
        201: {
          description: "The endpoint and its signing secret.",
          content: { "application/json": { schema: WebhookCreated } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const createWebhookRoute = createRouter().openapi(route, async (c) => {
  const { endpoint, secret } = await createWebhook({ ctx: c.var.ctx, input: c.req.valid("json") });
  return c.json(WebhookCreated.parse({ webhook: toWebhook(endpoint), secret }), 201);
});

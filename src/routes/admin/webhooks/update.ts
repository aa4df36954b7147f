import { createRoute } from "@hono/zod-openapi";
import { updateWebhook } from "../../../domain/webhooks/manage-webhooks.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { TAGS, toWebhook, WebhookEnvelope, WebhookIdParam, WebhookPatch } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "patch",
      path: "/v1/admin/webhooks/{id}",
      operationId: "adminUpdateWebhook",
      tags: TAGS,
      summary: "Change a webhook endpoint",
      description:
        "Only the fields given change. `active: true` re-enables an endpoint that was disabled after 3 days of failures.",
      security: AdminSecurity,
      request: {
        params: WebhookIdParam,
        body: { required: true, content: { "application/json": { schema: WebhookPatch } } },
      },
      responses: {
        200: {
          description: "The changed endpoint.",
          content: { "application/json": { schema: WebhookEnvelope } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const updateWebhookRoute = createRouter().openapi(route, async (c) => {
  const endpoint = await updateWebhook({
    ctx: c.var.ctx,
    input: { ...c.req.valid("json"), id: c.req.valid("param").id },
  });
  return c.json(WebhookEnvelope.parse({ webhook: toWebhook(endpoint) }), 200);
});

import { createRoute } from "@hono/zod-openapi";
import { deleteWebhook } from "../../../domain/webhooks/manage-webhooks.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { TAGS, WebhookIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/admin/webhooks/{id}",
      operationId: "adminDeleteWebhook",
      tags: TAGS,
      summary: "Delete a webhook endpoint",
      description: "Its pending deliveries and its attempt log go with it.",
      security: AdminSecurity,
      request: { params: WebhookIdParam },
      responses: {
        204: { description: "Deleted." },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const deleteWebhookRoute = createRouter().openapi(route, async (c) => {
  await deleteWebhook({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.body(null, 204);
});

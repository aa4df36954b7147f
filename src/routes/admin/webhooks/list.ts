import { createRoute } from "@hono/zod-openapi";
import { listWebhooks } from "../../../domain/webhooks/manage-webhooks.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { TAGS, toWebhook, WebhookList } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/webhooks",
      operationId: "adminListWebhooks",
      tags: TAGS,
      summary: "List webhook endpoints",
      description: "Oldest first. Secrets are never listed.",
      security: AdminSecurity,
      responses: {
        200: {
          description: "The endpoints.",
          content: { "application/json": { schema: WebhookList } },
        },
        ...errorResponses("UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const listWebhooksRoute = createRouter().openapi(route, async (c) => {
  const webhooks = await listWebhooks({ ctx: c.var.ctx });
  return c.json(WebhookList.parse({ webhooks: webhooks.map(toWebhook) }), 200);
});

import { createRoute } from "@hono/zod-openapi";
import { listWebhookDeliveries } from "../../../domain/webhooks/manage-webhooks.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import {
  DeliveriesQuery,
  DeliveryList,
  TAGS,
  toDeliveryAttempt,
  WebhookIdParam,
} from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/webhooks/{id}/deliveries",
      operationId: "adminListWebhookDeliveries",
      tags: TAGS,
      summary: "List a webhook endpoint's delivery attempts",
      description:
        "Every attempt, newest first, with the receiver's status code and the duration. Failed deliveries are retried with exponential backoff for 3 days.",
      security: AdminSecurity,
      request: { params: WebhookIdParam, query: DeliveriesQuery },
      responses: {
        200: {
          description: "The attempts.",
          content: { "application/json": { schema: DeliveryList } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const listWebhookDeliveriesRoute = createRouter().openapi(route, async (c) => {
  const attempts = await listWebhookDeliveries({
    ctx: c.var.ctx,
    input: { id: c.req.valid("param").id, limit: c.req.valid("query").limit },
  });
  return c.json(DeliveryList.parse({ deliveries: attempts.map(toDeliveryAttempt) }), 200);
});

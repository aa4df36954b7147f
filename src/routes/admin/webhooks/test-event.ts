import { createRoute, z } from "@hono/zod-openapi";
import { sendTestWebhook, TEST_EVENT_TYPE } from "../../../domain/webhooks/manage-webhooks.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { TAGS, WebhookIdParam } from "./schema.ts";

const TestDelivery = z
  .object({
    eventId: z.string().openapi({
      description: "The `webhook-id` the test event was sent with.",
      example: "msg_2k9d8f7g6h5j4k3l2m1n",
    }),
    delivered: z.boolean().openapi({ description: "The receiver answered 2xx.", example: true }),
    statusCode: z.number().int().nullable().openapi({
      description: "The receiver's status; null when it could not be reached (see `error`).",
      example: 204,
    }),
    error: z.string().nullable().openapi({
      description: "Why it was not delivered (null when delivered).",
      example: null,
    }),
  })
  .openapi("WebhookTestDelivery");

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/webhooks/{id}/test",
      operationId: "adminTestWebhook",
      tags: TAGS,
      summary: "Send a signed test event to a webhook endpoint",
      description:
        `Sends one \`${TEST_EVENT_TYPE}\` event now, signed as every delivery is (Standard Webhooks, the endpoint's current secret), body \`{type: "${TEST_EVENT_TYPE}", timestamp, data: {webhookId}}\`, and answers what the receiver said. ` +
        "Nothing is queued or retried, and the endpoint's delivery log and state are unchanged: use it to check a receiver's URL and signature check.",
      security: AdminSecurity,
      request: { params: WebhookIdParam },
      responses: {
        200: {
          description: "Sent (or refused by the URL guard); the receiver's answer.",
          content: { "application/json": { schema: TestDelivery } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const testWebhookRoute = createRouter().openapi(route, async (c) => {
  const result = await sendTestWebhook({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.json(TestDelivery.parse(result), 200);
});

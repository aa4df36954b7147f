import { createRoute } from "@hono/zod-openapi";
import { rotateWebhookSecret } from "../../../domain/webhooks/manage-webhooks.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { TAGS, WebhookIdParam, WebhookSecret } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/webhooks/{id}/rotate-secret",
      operationId: "adminRotateWebhookSecret",
      tags: TAGS,
      summary: "Rotate a webhook endpoint's signing secret",
      description:
        "The new secret replaces the old one at once (later attempts, retries included, are signed with it) and is shown only in this answer.",
      security: AdminSecurity,
      request: { params: WebhookIdParam },
      responses: {
        200: {
          description: "The new secret.",
          content: { "application/json": { schema: WebhookSecret } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const rotateWebhookSecretRoute = createRouter().openapi(route, async (c) => {
  const result = await rotateWebhookSecret({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.json(WebhookSecret.parse(result), 200);
});

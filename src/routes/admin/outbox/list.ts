import { createRoute } from "@hono/zod-openapi";
import { listOutbox } from "../../../domain/outbox/list-outbox.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { OutboxList, OutboxQuery, toOutboxEmail } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/outbox",
      operationId: "adminListOutbox",
      tags: ["Admin: outbox"],
      summary: "List outbox emails",
      description:
        "Customer emails as written in the same transaction as the change they announce. Locally they stay here (the dev outbox); in production the Cron Trigger delivers them and sets `sentAt`.",
      security: AdminSecurity,
      request: { query: OutboxQuery },
      responses: {
        200: {
          description: "The emails.",
          content: { "application/json": { schema: OutboxList } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const listOutboxRoute = createRouter().openapi(route, async (c) => {
  const emails = await listOutbox({ ctx: c.var.ctx, input: c.req.valid("query") });
  return c.json(OutboxList.parse({ emails: emails.map(toOutboxEmail) }), 200);
});

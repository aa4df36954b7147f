import { createRoute } from "@hono/zod-openapi";
import { listClosures } from "../../../domain/catalog/schedules.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { ClosureList } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/closures",
      operationId: "adminListClosures",
      tags: ["Admin: closures"],
      summary: "List closures",
      security: AdminSecurity,
      responses: {
        200: {
          description: "Every closure, by start date.",
          content: { "application/json": { schema: ClosureList } },
        },
        ...errorResponses("UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const listClosuresRoute = createRouter().openapi(route, async (c) => {
  const closures = await listClosures({ ctx: c.var.ctx });
  return c.json(ClosureList.parse({ closures }), 200);
});

import { createRoute } from "@hono/zod-openapi";
import { deleteClosure } from "../../../domain/catalog/schedules.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { ClosureIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/admin/closures/{id}",
      operationId: "adminDeleteClosure",
      tags: ["Admin: closures"],
      summary: "Delete a closure",
      security: AdminSecurity,
      request: { params: ClosureIdParam },
      responses: {
        204: { description: "Deleted." },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const deleteClosureRoute = createRouter().openapi(route, async (c) => {
  await deleteClosure({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.body(null, 204);
});

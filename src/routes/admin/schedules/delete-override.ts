import { createRoute } from "@hono/zod-openapi";
import { deleteOverride } from "../../../domain/catalog/schedules.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { OverrideParams } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/admin/staff/{id}/overrides/{date}",
      operationId: "adminDeleteOverride",
      tags: ["Admin: schedules"],
      summary: "Remove a date override",
      description: "The weekly hours apply to that date again.",
      security: AdminSecurity,
      request: { params: OverrideParams },
      responses: {
        204: { description: "Removed." },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const deleteOverrideRoute = createRouter().openapi(route, async (c) => {
  const { id, date } = c.req.valid("param");
  await deleteOverride({ ctx: c.var.ctx, input: { staffId: id, date } });
  return c.body(null, 204);
});

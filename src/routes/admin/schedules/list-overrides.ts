import { createRoute } from "@hono/zod-openapi";
import { listOverrides } from "../../../domain/catalog/schedules.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { StaffIdParam } from "../staff/schema.ts";
import { DateOverrideList, OverrideRange, toDateOverride } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/staff/{id}/overrides",
      operationId: "adminListOverrides",
      tags: ["Admin: schedules"],
      summary: "List a staff member's date overrides",
      description: "By date; `from` and `to` (inclusive) narrow the range.",
      security: AdminSecurity,
      request: { params: StaffIdParam, query: OverrideRange },
      responses: {
        200: {
          description: "The overrides, by date.",
          content: { "application/json": { schema: DateOverrideList } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const listOverridesRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const input = { staffId: id, ...c.req.valid("query") };
  const overrides = await listOverrides({ ctx: c.var.ctx, input });
  return c.json(DateOverrideList.parse({ overrides: overrides.map(toDateOverride) }), 200);
});

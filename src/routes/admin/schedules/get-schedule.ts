import { createRoute } from "@hono/zod-openapi";
import { getSchedule } from "../../../domain/catalog/schedules.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { StaffIdParam } from "../staff/schema.ts";
import { StaffSchedule, toStaffSchedule } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/staff/{id}/schedule",
      operationId: "adminGetSchedule",
      tags: ["Admin: schedules"],
      summary: "Get a staff member's weekly hours",
      description: "A staff member without a schedule has `weekly: {}` (no working time).",
      security: AdminSecurity,
      request: { params: StaffIdParam },
      responses: {
        200: {
          description: "The weekly hours.",
          content: { "application/json": { schema: StaffSchedule } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const getScheduleRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const weekly = await getSchedule({ ctx: c.var.ctx, input: { staffId: id } });
  return c.json(StaffSchedule.parse(toStaffSchedule(id, weekly)), 200);
});

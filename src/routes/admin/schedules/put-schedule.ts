import { createRoute } from "@hono/zod-openapi";
import { putSchedule } from "../../../domain/catalog/schedules.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { toWeekly } from "../../shared/convert.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { StaffIdParam } from "../staff/schema.ts";
import { ScheduleBody, StaffSchedule, toStaffSchedule } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "put",
      path: "/v1/admin/staff/{id}/schedule",
      operationId: "adminPutSchedule",
      tags: ["Admin: schedules"],
      summary: "Replace a staff member's weekly hours",
      description:
        "Intervals must lie on the slot grid and must not overlap; touching intervals are merged. A missing weekday is a day off.",
      security: AdminSecurity,
      request: {
        params: StaffIdParam,
        body: { required: true, content: { "application/json": { schema: ScheduleBody } } },
      },
      responses: {
        200: {
          description: "The stored weekly hours.",
          content: { "application/json": { schema: StaffSchedule } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const putScheduleRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const weekly = toWeekly(c.req.valid("json").weekly);
  const stored = await putSchedule({ ctx: c.var.ctx, input: { staffId: id, weekly } });
  return c.json(StaffSchedule.parse(toStaffSchedule(id, stored)), 200);
});

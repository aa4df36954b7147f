import { createRoute } from "@hono/zod-openapi";
import { listAppointments } from "../../../domain/booking/admin-appointments.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { staffScopeOf } from "../../../http/admin-auth.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AppointmentListQuery, AppointmentPage } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/appointments",
      operationId: "adminListAppointments",
      tags: ["Admin: appointments"],
      summary: "List appointments",
      description:
        "A page of appointments by start time, filtered by UTC day range, staff member, status, customer email and a part of the customer's name (`customerEmail` with `status=no_show` lists a customer's no-shows). Follow `nextCursor` until it is null.",
      security: AdminSecurity,
      request: { query: AppointmentListQuery },
      responses: {
        200: {
          description: "One page.",
          content: { "application/json": { schema: AppointmentPage } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const listAppointmentsRoute = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  // A staff account sees its own staff member's appointments only (src/http/admin-auth.ts).
  const staffId = staffScopeOf(c, query.staffId);
  const page = await listAppointments({
    ctx: c.var.ctx,
    input: { ...query, ...(staffId === undefined ? {} : { staffId }) },
  });
  return c.json(AppointmentPage.parse(page), 200);
});

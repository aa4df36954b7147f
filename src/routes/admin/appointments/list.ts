import { createRoute } from "@hono/zod-openapi";
import { listAppointments } from "../../../domain/booking/admin-appointments.ts";
import { errorResponses } from "../../../errors/envelope.ts";
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
        "A page of appointments by start time, filtered by UTC day range, staff member, status and customer email (`customerEmail` with `status=no_show` lists a customer's no-shows). Follow `nextCursor` until it is null.",
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
  const page = await listAppointments({ ctx: c.var.ctx, input: c.req.valid("query") });
  return c.json(AppointmentPage.parse(page), 200);
});

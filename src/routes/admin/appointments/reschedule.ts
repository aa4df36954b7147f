import { createRoute } from "@hono/zod-openapi";
import { adminRescheduleAppointment } from "../../../domain/booking/admin-appointments.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { auditEntryOf } from "../../../http/admin-audit.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AdminRescheduleBody, AppointmentIdParam, RescheduledAppointment } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/appointments/{id}/reschedule",
      operationId: "adminRescheduleAppointment",
      tags: ["Admin: appointments"],
      summary: "Reschedule an appointment",
      description:
        "Books the new time and cancels the old appointment in one transaction, or changes nothing. Admin override: working hours, closures, notice and cut-offs are not checked, but the time can never overlap another confirmed appointment of the staff member (409 `SLOT_UNAVAILABLE`, with up to three `nearby` free slots in `details`).",
      security: AdminSecurity,
      request: {
        params: AppointmentIdParam,
        body: { required: true, content: { "application/json": { schema: AdminRescheduleBody } } },
      },
      responses: {
        200: {
          description: "The new appointment.",
          content: { "application/json": { schema: RescheduledAppointment } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "UNAUTHORIZED",
          "NOT_FOUND",
          "CONFLICT",
          "SLOT_UNAVAILABLE",
        ),
      },
    },
    { store: true },
  ),
);

export const rescheduleAppointmentRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  // The audit entry rides in the move's transaction (src/http/admin-audit.ts).
  const audit = auditEntryOf(c, {
    operation: "adminRescheduleAppointment",
    targetId: id,
    change: body,
    status: 200,
  });
  const appointment = await adminRescheduleAppointment({
    ctx: c.var.ctx,
    input: { id, ...body },
    audit,
  });
  c.set("audited", true);
  return c.json(RescheduledAppointment.parse({ appointment }), 200);
});

import { createRoute } from "@hono/zod-openapi";
import { adminCancelAppointment } from "../../../domain/booking/admin-appointments.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { auditEntryOf } from "../../../http/admin-audit.ts";
import { createRouter } from "../../../http/router.ts";
import { AppointmentSchema } from "../../shared/appointment-schema.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AppointmentIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/appointments/{id}/cancel",
      operationId: "adminCancelAppointment",
      tags: ["Admin: appointments"],
      summary: "Cancel an appointment",
      description:
        "Cancels at any time (the customer cut-off does not apply), frees the time at once and queues the customer's cancellation email. 409 `CONFLICT` when the appointment is already cancelled.",
      security: AdminSecurity,
      request: { params: AppointmentIdParam },
      responses: {
        200: {
          description: "The cancelled appointment.",
          content: { "application/json": { schema: AppointmentSchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND", "CONFLICT"),
      },
    },
    { store: true },
  ),
);

export const cancelAppointmentRoute = createRouter().openapi(route, async (c) => {
  const input = c.req.valid("param");
  // The audit entry rides in the cancel's transaction (src/http/admin-audit.ts).
  const audit = auditEntryOf(c, {
    operation: "adminCancelAppointment",
    targetId: input.id,
    change: null,
    status: 200,
  });
  const appointment = await adminCancelAppointment({ ctx: c.var.ctx, input, audit });
  c.set("audited", true);
  return c.json(AppointmentSchema.parse(appointment), 200);
});

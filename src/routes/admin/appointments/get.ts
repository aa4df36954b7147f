import { createRoute } from "@hono/zod-openapi";
import { adminGetAppointment } from "../../../domain/booking/admin-appointments.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { AppointmentSchema } from "../../shared/appointment-schema.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AppointmentIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/appointments/{id}",
      operationId: "adminGetAppointment",
      tags: ["Admin: appointments"],
      summary: "Read an appointment",
      description:
        "Any status, with the customer's intake `answers` (each with its question as it was asked).",
      security: AdminSecurity,
      request: { params: AppointmentIdParam },
      responses: {
        200: {
          description: "The appointment.",
          content: { "application/json": { schema: AppointmentSchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const getAppointmentRoute = createRouter().openapi(route, async (c) => {
  const appointment = await adminGetAppointment({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.json(AppointmentSchema.parse(appointment), 200);
});

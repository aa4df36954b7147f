import { createRoute } from "@hono/zod-openapi";
import { listAppointmentMessages } from "../../../domain/booking/admin-appointments.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AppointmentMessagesSchema, toAppointmentMessages } from "./messages-schema.ts";
import { AppointmentIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/appointments/{id}/messages",
      operationId: "adminListAppointmentMessages",
      tags: ["Admin: appointments"],
      summary: "List an appointment's emails and webhook deliveries",
      description:
        "What the outbox holds about this appointment, and where each row stands (sent, pending, failed attempts, given up). Bodies and payloads are never shown: until sent they carry the customer's manage link. An email about several appointments (a series) is listed on the first of them; rows queued before appointments were recorded on outbox rows are not listed.",
      security: AdminSecurity,
      request: { params: AppointmentIdParam },
      responses: {
        200: {
          description: "The appointment's emails and webhook deliveries, newest first.",
          content: { "application/json": { schema: AppointmentMessagesSchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const appointmentMessagesRoute = createRouter().openapi(route, async (c) => {
  const messages = await listAppointmentMessages({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.json(AppointmentMessagesSchema.parse(toAppointmentMessages(messages)), 200);
});

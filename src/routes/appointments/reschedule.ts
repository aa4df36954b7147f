import { createRoute, z } from "@hono/zod-openapi";
import { rescheduleAppointment } from "../../domain/booking/manage-appointment.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { AppointmentSchema } from "../shared/appointment-schema.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AppointmentIdParam, credentialOf, HoldProof, ManageTokenHeader } from "./schema.ts";

const RescheduleBody = z.strictObject(HoldProof).openapi("RescheduleInput");
const RescheduleResponse = z
  .object({ appointment: AppointmentSchema, appointments: z.array(AppointmentSchema) })
  .openapi("Rescheduled", {
    description: "The new appointment(s); the old one is cancelled, `rescheduledFrom` links them.",
  });

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/appointments/{id}/reschedule",
      operationId: "rescheduleAppointment",
      tags: ["Appointments"],
      summary: "Move an appointment to a held slot",
      description:
        "Atomic: the new time is booked and the old released in one transaction, or nothing changes. The manage token stays the same. Refused with 409 `CUTOFF_PASSED` (and `details.cutoffAt`) inside the reschedule cut-off (`GET /v1/business`); 410 `HOLD_EXPIRED` when the new time's hold was released or ended at its extension cap.",
      request: {
        params: AppointmentIdParam,
        headers: ManageTokenHeader,
        body: { required: true, content: { "application/json": { schema: RescheduleBody } } },
      },
      responses: {
        200: {
          description: "Moved.",
          content: { "application/json": { schema: RescheduleResponse } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "NOT_FOUND",
          "CONFLICT",
          "CUTOFF_PASSED",
          "SLOT_HELD",
          "SLOT_UNAVAILABLE",
          "HOLD_EXPIRED",
          "STORE_UNAVAILABLE",
        ),
      },
    },
    { store: true },
  ),
);

export const rescheduleAppointmentRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const appointments = await rescheduleAppointment({
    ctx: c.var.ctx,
    input: {
      id: c.req.valid("param").id,
      ...credentialOf(c.req.valid("header")),
      holdId: body.holdId,
      holdToken: body.holdToken,
    },
  });
  return c.json(RescheduleResponse.parse({ appointment: appointments[0], appointments }), 200);
});

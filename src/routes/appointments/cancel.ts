import { createRoute } from "@hono/zod-openapi";
import { cancelAppointment } from "../../domain/booking/manage-appointment.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import {
  AppointmentIdParam,
  AppointmentResponse,
  credentialOf,
  ManageTokenHeader,
} from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/appointments/{id}/cancel",
      operationId: "cancelAppointment",
      tags: ["Appointments"],
      summary: "Cancel an appointment",
      description:
        "Frees its time in one transaction and emails the customer. Refused with 409 `CUTOFF_PASSED` (and `details.cutoffAt`) inside the cancellation cut-off (`GET /v1/business`), 409 `CONFLICT` when already cancelled. Anyone without the manage token gets 404.",
      request: { params: AppointmentIdParam, headers: ManageTokenHeader },
      responses: {
        200: {
          description: "Cancelled.",
          content: { "application/json": { schema: AppointmentResponse } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "NOT_FOUND",
          "CONFLICT",
          "CUTOFF_PASSED",
          "STORE_UNAVAILABLE",
        ),
      },
    },
    { store: true },
  ),
);

export const cancelAppointmentRoute = createRouter().openapi(route, async (c) => {
  const appointment = await cancelAppointment({
    ctx: c.var.ctx,
    input: { id: c.req.valid("param").id, ...credentialOf(c.req.valid("header")) },
  });
  return c.json(AppointmentResponse.parse({ appointment }), 200);
});

import { createRoute } from "@hono/zod-openapi";
import { getAppointment } from "../../domain/booking/manage-appointment.ts";
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
      method: "get",
      path: "/v1/appointments/{id}",
      operationId: "getAppointment",
      tags: ["Appointments"],
      summary: "Read an appointment",
      description: "With the appointment's `X-Manage-Token`. Anyone else gets 404.",
      request: { params: AppointmentIdParam, headers: ManageTokenHeader },
      responses: {
        200: {
          description: "The appointment.",
          content: { "application/json": { schema: AppointmentResponse } },
        },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const getAppointmentRoute = createRouter().openapi(route, async (c) => {
  const appointment = await getAppointment({
    ctx: c.var.ctx,
    input: { id: c.req.valid("param").id, ...credentialOf(c.req.valid("header")) },
  });
  return c.json(AppointmentResponse.parse({ appointment }), 200);
});

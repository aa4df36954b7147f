import { createRoute, z } from "@hono/zod-openapi";
import { rescheduleAppointment } from "../../domain/booking/manage-appointment.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { AppointmentSchema } from "../shared/appointment-schema.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AppointmentIdParam, credentialOf, HoldProof, ManageTokenHeader } from "./schema.ts";

const RescheduleBody = z.strictObject(HoldProof).openapi("RescheduleInput");
const RescheduleQuery = z.strictObject({
  scope: z
    .enum(["one", "following", "all"])
    .optional()
    .openapi({
      param: { name: "scope", in: "query" },
      description:
        "For an appointment of a recurring series (`seriesId`): `one` (default) this occurrence; `following` this one and the later confirmed ones; `all` every confirmed one. For `following` and `all` the hold holds one time per occurrence in scope (a series hold: `repeat`, or `slots` on several dates), and the occurrences move onto its times in order; another count is 400 naming `holdId`. One occurrence inside the reschedule cut-off refuses the whole move (409 `CUTOFF_PASSED`). Without a series, every scope is `one`.",
      example: "following",
    }),
});
const RescheduleResponse = z
  .object({
    appointment: AppointmentSchema,
    appointments: z.array(AppointmentSchema).openapi({
      description: "Every new appointment, by start.",
    }),
    replaced: z.array(AppointmentSchema).openapi({
      description:
        "The appointments moved away from, now cancelled, by start: each new appointment's `rescheduledFrom` names the one it replaces.",
    }),
  })
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
        "Atomic: the new time is booked and the old released in one transaction, or nothing changes. The manage token stays the same. Refused with 409 `CUTOFF_PASSED` (and `details.cutoffAt`) inside the reschedule cut-off (`GET /v1/business`); 410 `HOLD_EXPIRED` when the new time's hold was released or ended at its extension cap. " +
        "With `scope` `following` or `all`, the series' occurrences in scope move onto the hold's times in order, all in the same transaction or none (one email listing them, one `appointment.rescheduled` each with its `previousAppointmentId`).",
      request: {
        params: AppointmentIdParam,
        headers: ManageTokenHeader,
        query: RescheduleQuery,
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
  const { scope } = c.req.valid("query");
  const moved = await rescheduleAppointment({
    ctx: c.var.ctx,
    input: {
      id: c.req.valid("param").id,
      ...credentialOf(c.req.valid("header")),
      holdId: body.holdId,
      holdToken: body.holdToken,
      ...(scope ? { scope } : {}),
    },
  });
  return c.json(RescheduleResponse.parse({ appointment: moved.appointments[0], ...moved }), 200);
});

import { createRoute } from "@hono/zod-openapi";
import { adminMarkAttendance } from "../../../domain/booking/admin-appointments.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { AppointmentSchema } from "../../shared/appointment-schema.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AppointmentIdParam, AttendanceBody } from "./schema.ts";

/** Who marked it: a business account by its audit name (`account:<id>`), any other credential "admin". */
const ADMIN_ACTOR = "admin";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/appointments/{id}/attendance",
      operationId: "adminSetAttendance",
      tags: ["Admin: appointments"],
      summary: "Mark an appointment attended or a no-show",
      description:
        "After the start, sets `attended` or `no_show` (409 `NOT_STARTED` before it); `confirmed` undoes a mark until 7 days after the start (later: 409 `ATTENDANCE_FINAL`, for a change to the other mark too). Each change records who made it and when (`attendanceChangedBy`, `attendanceChangedAt`, and a history row) and sends `appointment.attended` or `appointment.no_show` to webhooks. Setting the status it already has answers 200 and changes nothing. 409 `CONFLICT` for a cancelled appointment.",
      security: AdminSecurity,
      request: {
        params: AppointmentIdParam,
        body: { required: true, content: { "application/json": { schema: AttendanceBody } } },
      },
      responses: {
        200: {
          description: "The appointment with its attendance.",
          content: { "application/json": { schema: AppointmentSchema } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "UNAUTHORIZED",
          "NOT_FOUND",
          "CONFLICT",
          "NOT_STARTED",
          "ATTENDANCE_FINAL",
        ),
      },
    },
    { store: true },
  ),
);

export const attendanceRoute = createRouter().openapi(route, async (c) => {
  const appointment = await adminMarkAttendance({
    ctx: c.var.ctx,
    input: {
      ...c.req.valid("param"),
      ...c.req.valid("json"),
      actor: c.get("admin")?.account ? (c.get("admin")?.actor ?? ADMIN_ACTOR) : ADMIN_ACTOR,
    },
  });
  return c.json(AppointmentSchema.parse(appointment), 200);
});

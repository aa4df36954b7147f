import { createRoute, z } from "@hono/zod-openapi";
import { appointmentCalendarFile } from "../../domain/calendar/calendar-files.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AppointmentIdParam, credentialOf, ManageTokenHeader } from "./schema.ts";

/**
 * `?token=` is accepted beside the header so that a plain link (in the customer's email, on the
 * manage page) can download the file: a link cannot send headers. See docs/adr/0704-calendar-files.md.
 */
const CalendarQuery = z.strictObject({
  token: z.string().min(20).max(200).optional().openapi({
    description:
      "The manage token, for links that cannot send the `X-Manage-Token` header (emails, the manage page). The header wins when both are given.",
    example: "Zk3mQ8Jc2kW5d8f1h4n6p0r2t7y9",
  }),
});

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/appointments/{id}/calendar.ics",
      operationId: "getAppointmentCalendar",
      tags: ["Appointments"],
      summary: "Download an appointment as a calendar file",
      description:
        "An RFC 5545 calendar with one VEVENT (times in UTC). Its UID stays the same across reschedules and its SEQUENCE grows; a cancelled appointment answers `METHOD:CANCEL` / `STATUS:CANCELLED`. With the manage token (header `X-Manage-Token` or `?token=`) or the customer's session; anyone else gets 404.",
      request: { params: AppointmentIdParam, headers: ManageTokenHeader, query: CalendarQuery },
      responses: {
        200: {
          description: "The calendar file.",
          content: {
            "text/calendar": { schema: z.string().openapi({ example: "BEGIN:VCALENDAR…" }) },
          },
        },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const appointmentCalendarRoute = createRouter().openapi(route, async (c) => {
  const headers = c.req.valid("header");
  const { token } = c.req.valid("query");
  const credential =
    headers["x-manage-token"] === undefined && token !== undefined
      ? { manageToken: token }
      : credentialOf(headers);
  const { id } = c.req.valid("param");
  const ics = await appointmentCalendarFile({ ctx: c.var.ctx, input: { id, ...credential } });
  return c.body(ics, 200, {
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": `attachment; filename="${id}.ics"`,
    "Cache-Control": "private, no-store",
  });
});

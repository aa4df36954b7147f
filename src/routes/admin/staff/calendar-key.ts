import { createRoute, z } from "@hono/zod-openapi";
import { rotateCalendarKey } from "../../../domain/calendar/calendar-files.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { StaffIdParam } from "./schema.ts";

const CalendarKey = z
  .object({
    key: z.string().openapi({ description: "The feed key. Shown only here.", example: "q8Jc2k…" }),
    url: z.string().openapi({
      description: "The feed's address, to paste into a calendar app.",
      example: "https://book.example.com/v1/staff/stf_…/calendar.ics?key=q8Jc2k…",
    }),
  })
  .openapi("StaffCalendarKey");

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/staff/{id}/calendar-key",
      operationId: "adminCreateCalendarKey",
      tags: ["Admin: staff"],
      summary: "Create or rotate a staff member's calendar-feed key",
      description:
        "Returns a new key for `GET /v1/staff/{id}/calendar.ics?key=…`; the previous key stops working. Only its hash is stored.",
      security: AdminSecurity,
      request: { params: StaffIdParam },
      responses: {
        201: {
          description: "The new key.",
          content: { "application/json": { schema: CalendarKey } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const rotateCalendarKeyRoute = createRouter().openapi(route, async (c) => {
  const result = await rotateCalendarKey({
    ctx: c.var.ctx,
    input: { staffId: c.req.valid("param").id },
  });
  return c.json(CalendarKey.parse(result), 201);
});

import { createRoute, z } from "@hono/zod-openapi";
import { staffCalendarFeed } from "../../domain/calendar/calendar-files.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { Id } from "../shared/schemas.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/staff/{id}/calendar.ics",
      operationId: "getStaffCalendarFeed",
      tags: ["Calendar"],
      summary: "A staff member's calendar feed",
      description:
        "A subscription feed (Google, Apple or Outlook Calendar poll it) with the staff member's confirmed appointments of the next 90 days. The key is the staff member's secret, created and rotated by an admin (`POST /v1/admin/staff/{id}/calendar-key`); a wrong key is 404.",
      request: {
        params: z.object({
          id: Id("stf_5n2k8q1w7d3f9h4m6p0r").openapi({ param: { name: "id", in: "path" } }),
        }),
        query: z.strictObject({
          key: z
            .string()
            .regex(/^[A-Za-z0-9_-]{16,100}$/, "must be the feed key from the admin API")
            .openapi({
              description: "The staff member's feed key.",
              example: "q8Jc2kW5d8f1h4n6p0r2t7y9a3",
            }),
        }),
      },
      responses: {
        200: {
          description: "The feed.",
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

export const staffFeedRoute = createRouter().openapi(route, async (c) => {
  const ics = await staffCalendarFeed({
    ctx: c.var.ctx,
    input: { staffId: c.req.valid("param").id, key: c.req.valid("query").key },
  });
  return c.body(ics, 200, {
    "Content-Type": "text/calendar; charset=utf-8",
    "Cache-Control": "private, max-age=300",
  });
});

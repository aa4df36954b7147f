import { createRoute } from "@hono/zod-openapi";
import { funnelReport } from "../../../domain/stats/funnel-report.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { FunnelReportSchema, StatsQuery } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/stats",
      operationId: "adminFunnelStats",
      tags: ["Admin: stats"],
      summary: "Booking funnel and slow calls",
      description:
        "Per UTC day and in total: slots selected, holds created, booked, released and expired unbooked, appointments booked, cancelled and rescheduled, the rates hold → booking and selection → hold, and the store calls counted slow. The counters add up across isolates: the live state's in Redis (and in MySQL while Redis is down), the appointments' in MySQL.",
      security: AdminSecurity,
      request: { query: StatsQuery },
      responses: {
        200: {
          description: "The report.",
          content: { "application/json": { schema: FunnelReportSchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const adminStatsRoutes = createRouter().openapi(route, async (c) => {
  const report = await funnelReport({ ctx: c.var.ctx, input: c.req.valid("query") });
  return c.json(FunnelReportSchema.parse(report), 200);
});

import { createRoute } from "@hono/zod-openapi";
import { summarizeAvailability } from "../../domain/availability/summarize-availability.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AvailabilitySummary, AvailabilitySummaryQuery, toAvailabilitySummary } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/availability/summary",
      operationId: "getAvailabilitySummary",
      tags: ["Availability"],
      summary: "Free times per date over up to 31 days (month view)",
      description:
        "Per local date, the number of free start times and the first of them, for one staff member or anyone who performs the service. " +
        "The same slots as `GET /v1/availability` (same rules, same live holds), counted instead of listed: a month for 10 staff is a few kilobytes. " +
        "One SQL and one Redis round trip whatever the range.",
      request: { query: AvailabilitySummaryQuery },
      responses: {
        200: {
          description: "One entry per requested date.",
          content: { "application/json": { schema: AvailabilitySummary } },
        },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const availabilitySummaryRoute = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const input = {
    serviceId: query.serviceId,
    fromDate: query.from,
    toDate: query.to,
    ...(query.staffId ? { staffId: query.staffId } : {}),
  };
  const days = await summarizeAvailability({ ctx: c.var.ctx, input });
  return c.json(AvailabilitySummary.parse(toAvailabilitySummary(query, days)), 200);
});

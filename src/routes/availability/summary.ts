import { createRoute } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { summarizeAvailability } from "../../domain/availability/summarize-availability.ts";
import { errorResponses } from "../../errors/envelope.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { createRouter } from "../../http/router.ts";
import { ManageTokenHeader } from "../appointments/schema.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import {
  AvailabilitySummary,
  AvailabilitySummaryQuery,
  availabilityRequest,
  toAvailabilitySummary,
} from "./schema.ts";

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
        "One SQL and one Redis round trip whatever the range. " +
        "With `rescheduleOf` and that appointment's `X-Manage-Token` (or its customer's session), the appointment's own time counts as free; any other credential is 404. " +
        "An isolate serves the same public month view from its copy for up to `SUMMARY_CACHE_TTL_MS` (5 s by default); holds and bookings made through it show at once.",
      request: { query: AvailabilitySummaryQuery, headers: ManageTokenHeader },
      responses: {
        200: {
          description: "One entry per requested date.",
          content: { "application/json": { schema: AvailabilitySummary } },
        },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND", "CONFLICT"),
      },
    },
    { store: true, credential: "optional" },
  ),
);

export const availabilitySummaryRoute = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const headers = c.req.valid("header");
  const input = availabilityRequest(query, headers);
  const compute = () => summarizeAvailability({ ctx: c.var.ctx, input });
  // The public month view is the same for every visitor: the isolate keeps it for a few seconds
  // (SUMMARY_CACHE_TTL_MS). A reschedule's view is private and always computed.
  const summaries = c.var.services.summaries;
  const days =
    summaries && !input.rescheduleOf
      ? await summaries.get(
          `${input.serviceId} ${input.staffId ?? ""} ${input.fromDate} ${input.toDate}`,
          compute,
        )
      : await compute();
  return c.json(AvailabilitySummary.parse(toAvailabilitySummary(query, days)), 200);
});

/**
 * After a successful write through this isolate (a hold, booking, cancel, reschedule, release or
 * admin change), its month views are computed afresh: the isolate never shows a change it made
 * as not made. Changes made through other isolates show within SUMMARY_CACHE_TTL_MS.
 */
export const forgetSummariesOnWrite = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const method = c.req.method;
  if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS" && c.res.status < 400) {
    c.var.services?.summaries?.clear();
  }
});

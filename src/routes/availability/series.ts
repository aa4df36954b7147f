import { createRoute, z } from "@hono/zod-openapi";
import {
  findSeries,
  MAX_SERIES_COUNT,
  MAX_SERIES_EVERY_WEEKS,
  type Series,
} from "../../domain/availability/find-series.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { Id, SlotStart } from "../shared/schemas.ts";
import { AvailabilityHeaders } from "./schema.ts";

/** A whole number from a query string, within [min, max]. */
function queryCount(min: number, max: number, description: string, example: number) {
  return z
    .string()
    .regex(/^\d{1,4}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .openapi({ type: "integer", minimum: min, maximum: max, description, example });
}

export const SeriesQuery = z.strictObject({
  serviceId: Id("svc_demo_cut").openapi({
    description: "The service to book.",
    param: { name: "serviceId", in: "query" },
  }),
  staffId: Id("stf_demo_ana").openapi({
    description: "The staff member (required: a series is booked with one staff member).",
    param: { name: "staffId", in: "query" },
  }),
  start: SlotStart.openapi({
    description:
      "The first occurrence, as availability writes it. Later occurrences keep its local wall time in the staff member's zone (09:00 stays 09:00 across daylight-saving changes).",
    param: { name: "start", in: "query" },
    example: "2027-03-15T09:00:00+01:00",
  }),
  everyWeeks: queryCount(1, MAX_SERIES_EVERY_WEEKS, "Weeks between occurrences.", 1).openapi({
    param: { name: "everyWeeks", in: "query" },
  }),
  count: queryCount(1, MAX_SERIES_COUNT, "How many occurrences, the first included.", 4).openapi({
    param: { name: "count", in: "query" },
  }),
});

const SeriesSlotSchema = z.object({
  start: z.string().openapi({ format: "date-time", example: "2027-03-22T10:00:00+01:00" }),
  end: z.string().openapi({ format: "date-time", example: "2027-03-22T10:30:00+01:00" }),
});

export const SeriesResponse = z
  .object({
    serviceId: z.string(),
    staffId: z.string(),
    everyWeeks: z.number().int(),
    count: z.number().int(),
    horizonEnd: z.string().openapi({ format: "date-time" }),
    occurrences: z.array(
      z.object({
        date: z.string().openapi({ format: "date", description: "The staff member's local date." }),
        start: z.string().openapi({
          format: "date-time",
          description: "ISO 8601 with the staff member's offset at that instant.",
        }),
        end: z.string().nullable().openapi({
          format: "date-time",
          description: "Null when the time is not an offered slot that day.",
        }),
        free: z.boolean().openapi({
          description: "True when the occurrence can be held now (available, or only viewed).",
        }),
        state: z.enum(["available", "viewing", "held", "booked", "unavailable"]).openapi({
          description:
            "`unavailable`: not an offered slot that day (outside working time, a closure, too soon, or a wall time skipped by a daylight-saving change).",
        }),
        alternatives: z.array(SeriesSlotSchema).openapi({
          description:
            "For a taken occurrence: up to 3 free slots of the same date, nearest first chosen, in time order. Empty for a free one.",
        }),
      }),
    ),
  })
  .openapi("Series");

function toSeriesResponse(
  query: z.infer<typeof SeriesQuery>,
  series: Series,
): z.infer<typeof SeriesResponse> {
  return {
    serviceId: query.serviceId,
    staffId: query.staffId,
    everyWeeks: query.everyWeeks,
    count: query.count,
    horizonEnd: series.horizonEnd,
    occurrences: series.occurrences.map((o) => ({
      date: o.date,
      start: o.start,
      end: o.end,
      free: o.free,
      state: o.state,
      alternatives: o.alternatives.map(({ start, end }) => ({ start, end })),
    })),
  };
}

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/availability/series",
      operationId: "getSeries",
      tags: ["Availability"],
      summary: "A recurring series: each occurrence free or taken",
      description:
        "Every `everyWeeks` weeks at the first occurrence's local time in the staff member's zone, `count` occurrences (at most 12), all within the booking horizon (else 400 naming `query.count`). " +
        "Per occurrence: free or taken and, for a taken one, up to 3 free alternatives on the same date. Hold the series with `POST /v1/holds` and `repeat`, or, after choosing alternatives, with `slots`. " +
        "Like availability, one SQL and one Redis round trip, and it publishes the offers a hold checks for every occurrence date.",
      request: { query: SeriesQuery, headers: AvailabilityHeaders.pick({ "x-client-id": true }) },
      responses: {
        200: {
          description: "The occurrences.",
          content: { "application/json": { schema: SeriesResponse } },
        },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const getSeriesRoute = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const clientId = c.req.valid("header")["x-client-id"];
  const series = await findSeries({
    ctx: c.var.ctx,
    input: {
      serviceId: query.serviceId,
      staffId: query.staffId,
      start: query.start,
      everyWeeks: query.everyWeeks,
      count: query.count,
      startField: "query.start",
      repeatField: "query",
      ...(clientId ? { clientId } : {}),
    },
  });
  return c.json(SeriesResponse.parse(toSeriesResponse(query, series)), 200);
});

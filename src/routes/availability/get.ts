import { createRoute } from "@hono/zod-openapi";
import { getAvailability } from "../../domain/availability/get-availability.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import {
  AvailabilityHeaders,
  AvailabilityQuery,
  AvailabilityResponse,
  availabilityRequest,
  toAvailabilityResponse,
} from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/availability",
      operationId: "getAvailability",
      tags: ["Availability"],
      summary: "Slots of a service over up to 31 days",
      description:
        "Every start time at which the service, with its buffers, fits inside working time, respecting breaks, date overrides, closures, minimum notice and the booking horizon (the answer's `horizonEnd`). " +
        "Times are exact across daylight-saving changes: a wall time that does not exist is never offered, and a repeated one is offered once per real instant. " +
        "States are from the caller's point of view (header `X-Client-Id`). One SQL and one Redis round trip whatever the range. " +
        "With `rescheduleOf` and that appointment's `X-Manage-Token` (or its customer's session), the appointment's own time is shown free; any other credential is 404.",
      request: { query: AvailabilityQuery, headers: AvailabilityHeaders },
      responses: {
        200: {
          description: "Days with their slots.",
          content: { "application/json": { schema: AvailabilityResponse } },
        },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND", "CONFLICT"),
      },
    },
    { store: true, credential: "optional" },
  ),
);

export const getAvailabilityRoute = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const headers = c.req.valid("header");
  const clientId = headers["x-client-id"];
  const input = { ...availabilityRequest(query, headers), ...(clientId ? { clientId } : {}) };
  const availability = await getAvailability({ ctx: c.var.ctx, input });
  return c.json(AvailabilityResponse.parse(toAvailabilityResponse(query, availability)), 200);
});

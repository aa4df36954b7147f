import { createRoute } from "@hono/zod-openapi";
import { putOverride } from "../../../domain/catalog/schedules.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { toInterval } from "../../shared/convert.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { DateOverrideSchema, OverrideBody, OverrideParams, toDateOverride } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "put",
      path: "/v1/admin/staff/{id}/overrides/{date}",
      operationId: "adminPutOverride",
      tags: ["Admin: schedules"],
      summary: "Set a staff member's hours on one date",
      description:
        "Replaces the weekly hours of that local date (and any earlier override of it). `intervals: []` is a day off.",
      security: AdminSecurity,
      request: {
        params: OverrideParams,
        body: { required: true, content: { "application/json": { schema: OverrideBody } } },
      },
      responses: {
        200: {
          description: "The stored override.",
          content: { "application/json": { schema: DateOverrideSchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const putOverrideRoute = createRouter().openapi(route, async (c) => {
  const { id, date } = c.req.valid("param");
  const { intervals, note } = c.req.valid("json");
  const input = { staffId: id, date, intervals: intervals.map(toInterval), note };
  const override = await putOverride({ ctx: c.var.ctx, input });
  return c.json(DateOverrideSchema.parse(toDateOverride(override)), 200);
});

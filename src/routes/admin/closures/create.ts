import { createRoute } from "@hono/zod-openapi";
import { createClosure } from "../../../domain/catalog/schedules.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { ClosureBody, CreatedClosure } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/closures",
      operationId: "adminCreateClosure",
      tags: ["Admin: closures"],
      summary: "Close the business on a range of dates",
      description:
        "No slot is offered on any date from `startDate` to `endDate` (inclusive, business time zone). Existing appointments are kept: the answer lists the confirmed ones on those dates.",
      security: AdminSecurity,
      request: {
        body: { required: true, content: { "application/json": { schema: ClosureBody } } },
      },
      responses: {
        201: {
          description: "Created, with the confirmed appointments on its dates.",
          content: { "application/json": { schema: CreatedClosure } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const createClosureRoute = createRouter().openapi(route, async (c) => {
  const closure = await createClosure({ ctx: c.var.ctx, input: c.req.valid("json") });
  return c.json(CreatedClosure.parse(closure), 201);
});

import { createRoute } from "@hono/zod-openapi";
import { listStaff } from "../../domain/catalog/staff.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { PublicStaffList, StaffQuery, toPublicStaff } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/staff",
      operationId: "listStaff",
      tags: ["Catalog"],
      summary: "List staff",
      description:
        "Active staff, by name; with `serviceId`, only those who perform that service (an unknown service gives an empty list). Public fields only: never email or phone. No authentication.",
      request: { query: StaffQuery },
      responses: {
        200: {
          description: "The staff.",
          content: { "application/json": { schema: PublicStaffList } },
        },
        ...errorResponses("BAD_REQUEST"),
      },
    },
    { store: true },
  ),
);

export const listPublicStaffRoute = createRouter().openapi(route, async (c) => {
  const { serviceId } = c.req.valid("query");
  const input = { includeInactive: false, ...(serviceId ? { serviceId } : {}) };
  const staff = await listStaff({ ctx: c.var.ctx, input });
  return c.json(PublicStaffList.parse({ staff: staff.map(toPublicStaff) }), 200);
});

import { createRoute } from "@hono/zod-openapi";
import { listStaff } from "../../../domain/catalog/staff.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AdminStaffList, StaffListQuery, toAdminStaff } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/staff",
      operationId: "adminListStaff",
      tags: ["Admin: staff"],
      summary: "List staff",
      description:
        "Active staff by name; `includeInactive=true` adds inactive ones, `serviceId` keeps only those who perform that service.",
      security: AdminSecurity,
      request: { query: StaffListQuery },
      responses: {
        200: {
          description: "The staff, by name.",
          content: { "application/json": { schema: AdminStaffList } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const listStaffRoute = createRouter().openapi(route, async (c) => {
  const staff = await listStaff({ ctx: c.var.ctx, input: c.req.valid("query") });
  return c.json(AdminStaffList.parse({ staff: staff.map(toAdminStaff) }), 200);
});

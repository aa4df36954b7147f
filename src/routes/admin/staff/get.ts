import { createRoute } from "@hono/zod-openapi";
import { getStaff } from "../../../domain/catalog/staff.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AdminStaff, StaffIdParam, toAdminStaff } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/staff/{id}",
      operationId: "adminGetStaff",
      tags: ["Admin: staff"],
      summary: "Get a staff member",
      description: "Includes the private fields (email, phone) that customers never see.",
      security: AdminSecurity,
      request: { params: StaffIdParam },
      responses: {
        200: {
          description: "The staff member.",
          content: { "application/json": { schema: AdminStaff } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const getStaffRoute = createRouter().openapi(route, async (c) => {
  const staff = await getStaff({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.json(AdminStaff.parse(toAdminStaff(staff)), 200);
});

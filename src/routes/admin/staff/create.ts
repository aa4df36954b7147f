import { createRoute } from "@hono/zod-openapi";
import { createStaff } from "../../../domain/catalog/staff.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AdminStaff, StaffBody, toAdminStaff } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/staff",
      operationId: "adminCreateStaff",
      tags: ["Admin: staff"],
      summary: "Create a staff member",
      description: "Every id in `serviceIds` must name an existing service.",
      security: AdminSecurity,
      request: { body: { required: true, content: { "application/json": { schema: StaffBody } } } },
      responses: {
        201: { description: "Created.", content: { "application/json": { schema: AdminStaff } } },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const createStaffRoute = createRouter().openapi(route, async (c) => {
  const staff = await createStaff({ ctx: c.var.ctx, input: c.req.valid("json") });
  return c.json(AdminStaff.parse(toAdminStaff(staff)), 201);
});

import { createRoute } from "@hono/zod-openapi";
import { updateStaff } from "../../../domain/catalog/staff.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AdminStaff, StaffIdParam, StaffPatch, toAdminStaff } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "patch",
      path: "/v1/admin/staff/{id}",
      operationId: "adminUpdateStaff",
      tags: ["Admin: staff"],
      summary: "Change a staff member",
      description:
        "Only the fields given change; `serviceIds`, when given, replaces the whole list. `active: false` hides the staff member from customers.",
      security: AdminSecurity,
      request: {
        params: StaffIdParam,
        body: { required: true, content: { "application/json": { schema: StaffPatch } } },
      },
      responses: {
        200: {
          description: "The changed staff member.",
          content: { "application/json": { schema: AdminStaff } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const updateStaffRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const staff = await updateStaff({ ctx: c.var.ctx, input: { id, patch: c.req.valid("json") } });
  return c.json(AdminStaff.parse(toAdminStaff(staff)), 200);
});

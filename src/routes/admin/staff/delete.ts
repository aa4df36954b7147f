import { createRoute } from "@hono/zod-openapi";
import { deleteStaff } from "../../../domain/catalog/staff.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { StaffIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/admin/staff/{id}",
      operationId: "adminDeleteStaff",
      tags: ["Admin: staff"],
      summary: "Delete a staff member",
      description:
        "Also deletes their schedule and date overrides. Refused with 409 `CONFLICT` while they have future confirmed appointments: deactivate them instead (`PATCH {active: false}`).",
      security: AdminSecurity,
      request: { params: StaffIdParam },
      responses: {
        204: { description: "Deleted." },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND", "CONFLICT"),
      },
    },
    { store: true },
  ),
);

export const deleteStaffRoute = createRouter().openapi(route, async (c) => {
  await deleteStaff({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.body(null, 204);
});

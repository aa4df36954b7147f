import { createRoute } from "@hono/zod-openapi";
import { revokeCalendarKey } from "../../../domain/calendar/calendar-files.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { StaffIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/admin/staff/{id}/calendar-key",
      operationId: "adminDeleteCalendarKey",
      tags: ["Admin: staff"],
      summary: "Revoke a staff member's calendar-feed key",
      description: "The feed answers 404 until a new key is created.",
      security: AdminSecurity,
      request: { params: StaffIdParam },
      responses: {
        204: { description: "Revoked." },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const revokeCalendarKeyRoute = createRouter().openapi(route, async (c) => {
  await revokeCalendarKey({ ctx: c.var.ctx, input: { staffId: c.req.valid("param").id } });
  return c.body(null, 204);
});

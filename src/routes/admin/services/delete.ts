import { createRoute } from "@hono/zod-openapi";
import { deleteService } from "../../../domain/catalog/services.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { ServiceIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/admin/services/{id}",
      operationId: "adminDeleteService",
      tags: ["Admin: services"],
      summary: "Delete a service",
      description:
        "Refused with 409 `CONFLICT` while the service has future confirmed appointments: deactivate it instead (`PATCH {active: false}`).",
      security: AdminSecurity,
      request: { params: ServiceIdParam },
      responses: {
        204: { description: "Deleted." },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND", "CONFLICT"),
      },
    },
    { store: true },
  ),
);

export const deleteServiceRoute = createRouter().openapi(route, async (c) => {
  await deleteService({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.body(null, 204);
});

import { createRoute } from "@hono/zod-openapi";
import { updateService } from "../../../domain/catalog/services.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AdminService, ServiceIdParam, ServicePatch, toAdminService } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "patch",
      path: "/v1/admin/services/{id}",
      operationId: "adminUpdateService",
      tags: ["Admin: services"],
      summary: "Change a service",
      description:
        "Only the fields given change. `active: false` hides the service from customers.",
      security: AdminSecurity,
      request: {
        params: ServiceIdParam,
        body: { required: true, content: { "application/json": { schema: ServicePatch } } },
      },
      responses: {
        200: {
          description: "The changed service.",
          content: { "application/json": { schema: AdminService } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const updateServiceRoute = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const service = await updateService({
    ctx: c.var.ctx,
    input: { id, patch: c.req.valid("json") },
  });
  return c.json(AdminService.parse(toAdminService(service)), 200);
});

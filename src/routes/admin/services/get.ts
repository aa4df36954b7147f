import { createRoute } from "@hono/zod-openapi";
import { getService } from "../../../domain/catalog/services.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AdminService, ServiceIdParam, toAdminService } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/services/{id}",
      operationId: "adminGetService",
      tags: ["Admin: services"],
      summary: "Get a service",
      security: AdminSecurity,
      request: { params: ServiceIdParam },
      responses: {
        200: {
          description: "The service.",
          content: { "application/json": { schema: AdminService } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND"),
      },
    },
    { store: true },
  ),
);

export const getServiceRoute = createRouter().openapi(route, async (c) => {
  const service = await getService({ ctx: c.var.ctx, input: c.req.valid("param") });
  return c.json(AdminService.parse(toAdminService(service)), 200);
});

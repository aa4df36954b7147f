import { createRoute } from "@hono/zod-openapi";
import { createService } from "../../../domain/catalog/services.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AdminService, ServiceBody, toAdminService } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/services",
      operationId: "adminCreateService",
      tags: ["Admin: services"],
      summary: "Create a service",
      security: AdminSecurity,
      request: {
        body: { required: true, content: { "application/json": { schema: ServiceBody } } },
      },
      responses: {
        201: { description: "Created.", content: { "application/json": { schema: AdminService } } },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const createServiceRoute = createRouter().openapi(route, async (c) => {
  const service = await createService({ ctx: c.var.ctx, input: c.req.valid("json") });
  return c.json(AdminService.parse(toAdminService(service)), 201);
});

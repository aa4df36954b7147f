import { createRoute, z } from "@hono/zod-openapi";
import { listServices } from "../../../domain/catalog/services.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity, IncludeInactive } from "../../shared/schemas.ts";
import { AdminServiceList, toAdminService } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/services",
      operationId: "adminListServices",
      tags: ["Admin: services"],
      summary: "List services",
      security: AdminSecurity,
      request: { query: z.object({ includeInactive: IncludeInactive }) },
      responses: {
        200: {
          description: "The services, by name.",
          content: { "application/json": { schema: AdminServiceList } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const listServicesRoute = createRouter().openapi(route, async (c) => {
  const { includeInactive } = c.req.valid("query");
  const services = await listServices({ ctx: c.var.ctx, input: { includeInactive } });
  return c.json(AdminServiceList.parse({ services: services.map(toAdminService) }), 200);
});

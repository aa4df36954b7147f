import { createRoute } from "@hono/zod-openapi";
import { listServices } from "../../domain/catalog/services.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { PublicServiceList, toPublicService } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/services",
      operationId: "listServices",
      tags: ["Catalog"],
      summary: "List bookable services",
      description: "Active services, by name. No authentication.",
      responses: {
        200: {
          description: "The services.",
          content: { "application/json": { schema: PublicServiceList } },
        },
      },
    },
    { store: true },
  ),
);

export const listPublicServicesRoute = createRouter().openapi(route, async (c) => {
  const services = await listServices({ ctx: c.var.ctx, input: { includeInactive: false } });
  return c.json(PublicServiceList.parse({ services: services.map(toPublicService) }), 200);
});

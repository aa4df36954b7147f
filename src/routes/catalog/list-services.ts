import { createRoute } from "@hono/zod-openapi";
import { listServices } from "../../domain/catalog/services.ts";
import { createRouter } from "../../http/router.ts";
import { PublicServiceList, toPublicService } from "./schema.ts";

const route = createRoute({
  method: "get",
  path: "/v1/services",
  tags: ["Catalog"],
  summary: "List bookable services",
  description: "Active services, by name. No authentication.",
  responses: {
    200: {
      description: "The services.",
      content: { "application/json": { schema: PublicServiceList } },
    },
  },
});

export const listPublicServicesRoute = createRouter().openapi(route, async (c) => {
  const services = await listServices({ ctx: c.var.ctx, input: { includeInactive: false } });
  return c.json(PublicServiceList.parse({ services: services.map(toPublicService) }), 200);
});

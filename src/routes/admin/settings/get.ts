import { createRoute } from "@hono/zod-openapi";
import { getSettings } from "../../../domain/settings/update-settings.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { SettingsSchema } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/settings",
      operationId: "adminGetSettings",
      tags: ["Admin: settings"],
      summary: "Get the business settings",
      security: AdminSecurity,
      responses: {
        200: {
          description: "The current settings.",
          content: { "application/json": { schema: SettingsSchema } },
        },
        ...errorResponses("UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const getSettingsRoute = createRouter().openapi(route, async (c) => {
  const settings = await getSettings({ ctx: c.var.ctx });
  return c.json(SettingsSchema.parse(settings), 200);
});

import { createRoute } from "@hono/zod-openapi";
import { updateSettings } from "../../../domain/settings/update-settings.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { createRouter } from "../../../http/router.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { SettingsPatch, SettingsSchema } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "put",
      path: "/v1/admin/settings",
      operationId: "adminUpdateSettings",
      tags: ["Admin: settings"],
      summary: "Change the business settings",
      description:
        "The given fields are merged onto the current settings; omitted fields keep their value. The merged result must have `holdExtensionCapS >= holdTtlS`.",
      security: AdminSecurity,
      request: {
        body: { required: true, content: { "application/json": { schema: SettingsPatch } } },
      },
      responses: {
        200: {
          description: "The settings after the change.",
          content: { "application/json": { schema: SettingsSchema } },
        },
        ...errorResponses("BAD_REQUEST", "UNAUTHORIZED"),
      },
    },
    { store: true },
  ),
);

export const updateSettingsRoute = createRouter().openapi(route, async (c) => {
  const settings = await updateSettings({ ctx: c.var.ctx, input: c.req.valid("json") });
  return c.json(SettingsSchema.parse(settings), 200);
});

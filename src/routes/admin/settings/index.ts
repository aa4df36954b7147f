import { createRouter } from "../../../http/router.ts";
import { getSettingsRoute } from "./get.ts";
import { updateSettingsRoute } from "./update.ts";

export const adminSettingsRoutes = createRouter()
  .route("/", getSettingsRoute)
  .route("/", updateSettingsRoute);

import { createRouter } from "../../../http/router.ts";
import { deleteOverrideRoute } from "./delete-override.ts";
import { getScheduleRoute } from "./get-schedule.ts";
import { listOverridesRoute } from "./list-overrides.ts";
import { putOverrideRoute } from "./put-override.ts";
import { putScheduleRoute } from "./put-schedule.ts";

export const adminScheduleRoutes = createRouter()
  .route("/", getScheduleRoute)
  .route("/", putScheduleRoute)
  .route("/", listOverridesRoute)
  .route("/", putOverrideRoute)
  .route("/", deleteOverrideRoute);

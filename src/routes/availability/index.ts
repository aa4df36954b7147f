import { createRouter } from "../../http/router.ts";
import { getAvailabilityRoute } from "./get.ts";
import { getSeriesRoute } from "./series.ts";
import { availabilitySummaryRoute } from "./summary.ts";

export const availabilityRoutes = createRouter()
  .route("/", getAvailabilityRoute)
  .route("/", availabilitySummaryRoute)
  .route("/", getSeriesRoute);

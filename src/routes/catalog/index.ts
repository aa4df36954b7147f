import { createRouter } from "../../http/router.ts";
import { getBusinessRoute } from "./business.ts";
import { listPublicServicesRoute } from "./list-services.ts";
import { listPublicStaffRoute } from "./list-staff.ts";

/** The public catalog: what customers may see of the business, its services and staff. */
export const catalogRoutes = createRouter()
  .route("/", getBusinessRoute)
  .route("/", listPublicServicesRoute)
  .route("/", listPublicStaffRoute);

import { createRouter } from "../../http/router.ts";
import { listPublicServicesRoute } from "./list-services.ts";
import { listPublicStaffRoute } from "./list-staff.ts";

/** The public catalog: what customers may see of services and staff. */
export const catalogRoutes = createRouter()
  .route("/", listPublicServicesRoute)
  .route("/", listPublicStaffRoute);

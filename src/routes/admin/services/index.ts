import { createRouter } from "../../../http/router.ts";
import { createServiceRoute } from "./create.ts";
import { deleteServiceRoute } from "./delete.ts";
import { getServiceRoute } from "./get.ts";
import { listServicesRoute } from "./list.ts";
import { updateServiceRoute } from "./update.ts";

export const adminServiceRoutes = createRouter()
  .route("/", listServicesRoute)
  .route("/", createServiceRoute)
  .route("/", getServiceRoute)
  .route("/", updateServiceRoute)
  .route("/", deleteServiceRoute);

import { createRouter } from "../../http/router.ts";
import { getAvailabilityRoute } from "./get.ts";

export const availabilityRoutes = createRouter().route("/", getAvailabilityRoute);

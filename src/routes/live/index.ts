import { createRouter } from "../../http/router.ts";
import { liveRoute } from "./get.ts";

export const liveRoutes = createRouter().route("/", liveRoute);

import { createRouter } from "../../http/router.ts";
import { staffFeedRoute } from "./staff-feed.ts";

export const calendarRoutes = createRouter().route("/", staffFeedRoute);

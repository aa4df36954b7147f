import { createRouter } from "../../http/router.ts";
import { liveRoute } from "./get.ts";
import { liveTicketRoute } from "./tickets.ts";

export const liveRoutes = createRouter().route("/", liveRoute).route("/", liveTicketRoute);

import { createRouter } from "../../http/router.ts";
import { heartbeatRoute } from "./post.ts";

export const heartbeatRoutes = createRouter().route("/", heartbeatRoute);

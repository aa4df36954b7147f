import { createRouter } from "../../../http/router.ts";
import { listOutboxRoute } from "./list.ts";

export const adminOutboxRoutes = createRouter().route("/", listOutboxRoute);

import { createRouter } from "../../http/router.ts";
import { getHealth } from "./get.ts";

export const healthRoutes = createRouter().route("/", getHealth);

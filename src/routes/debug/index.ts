import { DEBUG_PATH, requireAdmin } from "../../http/admin-auth.ts";
import { createRouter } from "../../http/router.ts";
import { baselineRoutes } from "./baselines.ts";
import { failoverDebugRoutes } from "./failover.ts";
import { locksRoute } from "./locks.ts";

/** Debug routes; the admin token is checked before any of them runs. */
export const debugRoutes = createRouter();
debugRoutes.use(DEBUG_PATH, requireAdmin);
debugRoutes.route("/", baselineRoutes);
debugRoutes.route("/", locksRoute);
debugRoutes.route("/", failoverDebugRoutes);

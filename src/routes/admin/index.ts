import { ADMIN_PATH, requireAdmin } from "../../http/admin-auth.ts";
import { createRouter } from "../../http/router.ts";
import { adminAppointmentRoutes } from "./appointments/index.ts";
import { adminClosureRoutes } from "./closures/index.ts";
import { adminOutboxRoutes } from "./outbox/index.ts";
import { adminScheduleRoutes } from "./schedules/index.ts";
import { adminServiceRoutes } from "./services/index.ts";
import { adminSettingsRoutes } from "./settings/index.ts";
import { adminStatsRoutes } from "./stats/index.ts";
import { adminStaffRoutes } from "./staff/index.ts";
import { adminSyncRoute } from "./sync.ts";
import { adminWebhookRoutes } from "./webhooks/index.ts";

/** Every admin route; the admin token is checked before any of them runs. */
export const adminRoutes = createRouter();
adminRoutes.use(ADMIN_PATH, requireAdmin);
adminRoutes.route("/", adminServiceRoutes);
adminRoutes.route("/", adminStaffRoutes);
adminRoutes.route("/", adminScheduleRoutes);
adminRoutes.route("/", adminClosureRoutes);
adminRoutes.route("/", adminSettingsRoutes);
adminRoutes.route("/", adminAppointmentRoutes);
adminRoutes.route("/", adminOutboxRoutes);
adminRoutes.route("/", adminSyncRoute);
adminRoutes.route("/", adminWebhookRoutes);
adminRoutes.route("/", adminStatsRoutes);

import { ADMIN_PATH, requireAdmin } from "../../http/admin-auth.ts";
import { createRouter } from "../../http/router.ts";
import { adminAccountRoutes } from "./accounts/index.ts";
import { adminApiKeyRoutes } from "./api-keys/index.ts";
import { adminAppointmentRoutes } from "./appointments/index.ts";
import { adminAuditRoutes } from "./audit/index.ts";
import { adminSignInRoutes } from "./auth/index.ts";
import { adminClosureRoutes } from "./closures/index.ts";
import { adminLiveRoutes } from "./live/index.ts";
import { adminOutboxRoutes } from "./outbox/index.ts";
import { adminScheduleRoutes } from "./schedules/index.ts";
import { adminServiceRoutes } from "./services/index.ts";
import { adminSettingsRoutes } from "./settings/index.ts";
import { adminStatsRoutes } from "./stats/index.ts";
import { adminStaffRoutes } from "./staff/index.ts";
import { adminSyncRoute } from "./sync.ts";
import { adminWebhookRoutes } from "./webhooks/index.ts";

/** Every admin route; but for the business sign-in, the caller's credential and scope are checked before any of them runs. */
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
adminRoutes.route("/", adminApiKeyRoutes);
adminRoutes.route("/", adminAccountRoutes);
// Outside requireAdmin (ADMIN_SIGN_IN_PATH): how a business account gets its credential.
adminRoutes.route("/", adminSignInRoutes);
adminRoutes.route("/", adminAuditRoutes);
adminRoutes.route("/", adminStatsRoutes);
adminRoutes.route("/", adminLiveRoutes);

import { createRouter } from "../../../http/router.ts";
import { attendanceRoute } from "./attendance.ts";
import { cancelAppointmentRoute } from "./cancel.ts";
import { getAppointmentRoute } from "./get.ts";
import { listAppointmentsRoute } from "./list.ts";
import { appointmentMessagesRoute } from "./messages.ts";
import { rescheduleAppointmentRoute } from "./reschedule.ts";

export const adminAppointmentRoutes = createRouter()
  .route("/", listAppointmentsRoute)
  .route("/", getAppointmentRoute)
  .route("/", cancelAppointmentRoute)
  .route("/", rescheduleAppointmentRoute)
  .route("/", attendanceRoute)
  .route("/", appointmentMessagesRoute);

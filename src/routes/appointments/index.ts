import { createRouter } from "../../http/router.ts";
import { appointmentCalendarRoute } from "./calendar.ts";
import { cancelAppointmentRoute } from "./cancel.ts";
import { createAppointmentRoute } from "./create.ts";
import { getAppointmentRoute } from "./get.ts";
import { rescheduleAppointmentRoute } from "./reschedule.ts";

export const appointmentRoutes = createRouter()
  .route("/", createAppointmentRoute)
  .route("/", getAppointmentRoute)
  .route("/", cancelAppointmentRoute)
  .route("/", rescheduleAppointmentRoute)
  .route("/", appointmentCalendarRoute);

import { createRouter } from "../../../http/router.ts";
import { rotateCalendarKeyRoute } from "./calendar-key.ts";
import { revokeCalendarKeyRoute } from "./calendar-key-delete.ts";
import { createStaffRoute } from "./create.ts";
import { deleteStaffRoute } from "./delete.ts";
import { getStaffRoute } from "./get.ts";
import { listStaffRoute } from "./list.ts";
import { updateStaffRoute } from "./update.ts";

export const adminStaffRoutes = createRouter()
  .route("/", listStaffRoute)
  .route("/", createStaffRoute)
  .route("/", getStaffRoute)
  .route("/", updateStaffRoute)
  .route("/", deleteStaffRoute)
  .route("/", rotateCalendarKeyRoute)
  .route("/", revokeCalendarKeyRoute);

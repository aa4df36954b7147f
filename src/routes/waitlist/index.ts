import { createRouter } from "../../http/router.ts";
import { bookWaitlistRoute } from "./book.ts";
import { confirmWaitlistRoute } from "./confirm.ts";
import { joinWaitlistRoute } from "./join.ts";
import { leaveWaitlistRoute } from "./leave.ts";

export const waitlistRoutes = createRouter()
  .route("/", joinWaitlistRoute)
  .route("/", confirmWaitlistRoute)
  .route("/", leaveWaitlistRoute)
  .route("/", bookWaitlistRoute);

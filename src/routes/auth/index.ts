import { createRouter } from "../../http/router.ts";
import { logoutRoute } from "./logout.ts";
import { otpRoute } from "./otp.ts";
import { verifyRoute } from "./verify.ts";

export const authRoutes = createRouter()
  .route("/", otpRoute)
  .route("/", verifyRoute)
  .route("/", logoutRoute);

import { createRouter } from "../../http/router.ts";
import { createHoldRoute } from "./create.ts";
import { extendHoldRoute } from "./extend.ts";
import { releaseHoldRoute } from "./release.ts";

export const holdRoutes = createRouter()
  .route("/", createHoldRoute)
  .route("/", extendHoldRoute)
  .route("/", releaseHoldRoute);

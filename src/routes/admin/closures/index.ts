import { createRouter } from "../../../http/router.ts";
import { createClosureRoute } from "./create.ts";
import { deleteClosureRoute } from "./delete.ts";
import { listClosuresRoute } from "./list.ts";

export const adminClosureRoutes = createRouter()
  .route("/", listClosuresRoute)
  .route("/", createClosureRoute)
  .route("/", deleteClosureRoute);

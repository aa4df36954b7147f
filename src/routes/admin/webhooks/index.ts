import { createRouter } from "../../../http/router.ts";
import { createWebhookRoute } from "./create.ts";
import { deleteWebhookRoute } from "./delete.ts";
import { listWebhookDeliveriesRoute } from "./deliveries.ts";
import { getWebhookRoute } from "./get.ts";
import { listWebhooksRoute } from "./list.ts";
import { rotateWebhookSecretRoute } from "./rotate-secret.ts";
import { testWebhookRoute } from "./test-event.ts";
import { updateWebhookRoute } from "./update.ts";

export const adminWebhookRoutes = createRouter()
  .route("/", listWebhooksRoute)
  .route("/", createWebhookRoute)
  .route("/", getWebhookRoute)
  .route("/", updateWebhookRoute)
  .route("/", deleteWebhookRoute)
  .route("/", rotateWebhookSecretRoute)
  .route("/", listWebhookDeliveriesRoute)
  .route("/", testWebhookRoute);

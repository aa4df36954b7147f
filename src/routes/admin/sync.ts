import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../errors/api-error.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AdminSecurity } from "../shared/schemas.ts";
import { presentSync, SyncReportSchema } from "../shared/sync-report.ts";

const SyncResponse = z
  .object({
    mode: z.enum(["redis", "fallback"]).openapi({ description: "This isolate's mode afterwards." }),
    sync: SyncReportSchema,
  })
  .openapi("SyncResult");

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/admin/sync",
      operationId: "adminRunSync",
      tags: ["Admin"],
      summary: "Run the failback sync now",
      description:
        "Probes Redis, then copies every unexpired hold, marker and booking of the MySQL fallback into Redis (never over a different live holder: those count as conflicts) and returns the report. 503 when Redis does not answer. Safe to repeat: one sync runs at a time (a lease in Redis; another answers `busy`), and a second run finds nothing left to copy.",
      security: AdminSecurity,
      responses: {
        200: {
          description: "The sync's report.",
          content: { "application/json": { schema: SyncResponse } },
        },
        ...errorResponses("UNAUTHORIZED", "STORE_UNAVAILABLE"),
      },
    },
    { store: true },
  ),
);

export const adminSyncRoute = createRouter().openapi(route, async (c) => {
  const gate = c.var.services.failover?.gate;
  if (!gate) throw new ApiError("STORE_UNAVAILABLE", "failover is not configured in this isolate");
  const mode = await gate.check("admin", c.var.requestId);
  const { lastHealthCheck, lastSync } = gate.status();
  if (!lastHealthCheck?.ok || !lastSync) {
    throw new ApiError(
      "STORE_UNAVAILABLE",
      `redis: not answering (${lastHealthCheck?.error ?? "no health check"}); nothing was synced`,
    );
  }
  return c.json(SyncResponse.parse({ mode, sync: presentSync(lastSync) }), 200);
});

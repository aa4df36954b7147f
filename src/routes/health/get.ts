import { createRoute } from "@hono/zod-openapi";
import { checkHealth, type HealthReport } from "../../domain/health/check-health.ts";
import type { ProbeResult, StorageMode } from "../../domain/health/store-status.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { errorBody } from "../../errors/handle-error.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { HealthResponse } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/health",
      operationId: "getHealth",
      tags: ["Health"],
      summary: "Health of both stores",
      description:
        "Probes Redis (write and read back a key with a 5 s TTL) and MySQL (`SELECT 1`) in parallel. " +
        "200 `ok` or `degraded` (Redis down, fallback in use); 503 `STORE_UNAVAILABLE` when the booking store is down, with the report in `details`.",
      responses: {
        200: {
          description: "The API can book.",
          content: { "application/json": { schema: HealthResponse } },
        },
        ...errorResponses("STORE_UNAVAILABLE", "INTERNAL"),
      },
    },
    { store: true },
  ),
);

function toStoreHealth(probe: ProbeResult) {
  return {
    status: probe.ok ? "up" : "down",
    latencyMs: Math.max(0, Math.round(probe.latencyMs)),
  } as const;
}

function toHealthResponse(report: HealthReport, storage: StorageMode): HealthResponse {
  return {
    status: report.status,
    redis: toStoreHealth(report.redis),
    database: toStoreHealth(report.database),
    storage,
  };
}

export const getHealth = createRouter().openapi(route, async (c) => {
  const report = await checkHealth({ ctx: c.var.ctx });
  // The isolate's mode, after this probe: a failed probe fails over; after an outage the mode
  // stays "fallback" until the failback sync has run (next request after the cool-down, or cron).
  const storage =
    c.var.services.failover?.gate.observe(report.redis, c.var.requestId, c.var.trace.waitUntil) ??
    report.storage;
  const body = HealthResponse.parse(toHealthResponse(report, storage));
  if (!report.bookingStoreUp) {
    const message = "The booking store is unavailable; bookings cannot be made right now.";
    return c.json(errorBody(c, "STORE_UNAVAILABLE", message, body), 503);
  }
  return c.json(body, 200);
});

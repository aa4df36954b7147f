import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AdminSecurity } from "../shared/schemas.ts";

/**
 * Benchmark baselines (admin only): the cost of the app shell alone, and of the shell plus one
 * Redis round trip, measured in the same run as every other case (`npm run bench`).
 */
const Noop = z.object({ ok: z.literal(true) }).openapi("Noop");
const RedisPing = z.object({ ok: z.boolean(), latencyMs: z.number().int() }).openapi("RedisPing");

const noopRoute = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/debug/noop",
      operationId: "debugNoop",
      tags: ["Debug"],
      summary: "Constant answer (benchmark baseline)",
      security: AdminSecurity,
      responses: {
        200: {
          description: "Always `{ok: true}`.",
          content: { "application/json": { schema: Noop } },
        },
        ...errorResponses("UNAUTHORIZED"),
      },
    },
    { store: false },
  ),
);

const redisPingRoute = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/debug/redis-ping",
      operationId: "debugRedisPing",
      tags: ["Debug"],
      summary: "One Redis round trip (benchmark baseline)",
      description: "Writes and reads back the health key in one Lua call; no SQL.",
      security: AdminSecurity,
      responses: {
        200: {
          description: "The probe's outcome.",
          content: { "application/json": { schema: RedisPing } },
        },
        ...errorResponses("UNAUTHORIZED"),
      },
    },
    { store: false },
  ),
);

export const baselineRoutes = createRouter()
  .openapi(noopRoute, (c) => c.json({ ok: true as const }, 200))
  .openapi(redisPingRoute, async (c) => {
    const probe = await c.var.ctx.liveStateProbe.probe();
    return c.json(RedisPing.parse({ ok: probe.ok, latencyMs: Math.round(probe.latencyMs) }), 200);
  });

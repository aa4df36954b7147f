import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AdminSecurity } from "../shared/schemas.ts";
import { iso, presentSync, SyncReportSchema } from "../shared/sync-report.ts";

const RedisStatus = z
  .object({
    mode: z.enum(["redis", "fallback"]).openapi({ description: "The store this isolate uses." }),
    cooldown: z.object({
      active: z.boolean(),
      until: z.string().nullable(),
      cooldownMs: z.number().int(),
    }),
    lastHealthCheck: z
      .object({
        at: z.string(),
        trigger: z.enum(["cron", "request", "admin", "health", "confirm"]).openapi({
          description:
            "`confirm`: the probe that decided whether a timed-out Redis was busy or down.",
        }),
        ok: z.boolean(),
        latencyMs: z.number().int(),
        error: z.string().optional(),
      })
      .nullable(),
    failovers: z.number().int(),
    failbacks: z.number().int(),
    busyTimeouts: z.number().int().openapi({
      description:
        "Timed-out Redis calls judged busy, not down: answered 503 OVERLOADED, no failover.",
    }),
    lastBusy: z
      .object({ at: z.string(), operation: z.string(), by: z.enum(["answer", "probe"]) })
      .nullable()
      .openapi({
        description:
          "The latest busy timeout: `answer` (Redis answered another call meanwhile) or `probe` (the isolate was loaded; a confirming probe decided).",
      }),
    confirming: z.boolean().openapi({ description: "A confirming probe is running." }),
    lastFailure: z.object({ at: z.string(), operation: z.string(), error: z.string() }).nullable(),
    // A union, not `.nullable()`: zod-to-openapi renders a nullable named schema as
    // `allOf: [$ref, {type: [object, null]}]`, which null never matches.
    lastSync: z
      .union([SyncReportSchema, z.null()])
      .openapi({ description: "The latest failback sync; null before the first." }),
    redisMemoryBytes: z.number().int().nullable().openapi({
      description: "Redis `used_memory` (null in fallback mode, or when Redis cannot say).",
    }),
  })
  .openapi("RedisStatus");

const statusRoute = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/debug/redis-status",
      operationId: "debugRedisStatus",
      tags: ["Debug"],
      summary: "Failover state of this isolate",
      description:
        "Mode (Redis or the MySQL fallback), cool-down, the last health check and its latency, failovers and failbacks counted, the last failback sync's report, and Redis memory. Counters are per isolate.",
      security: AdminSecurity,
      responses: {
        200: {
          description: "The state.",
          content: { "application/json": { schema: RedisStatus } },
        },
        ...errorResponses("UNAUTHORIZED"),
      },
    },
    { store: false },
  ),
);

const StoreTimeout = z
  .object({
    baselineMs: z.number().nullable().openapi({
      description:
        "The minimum round trip of the store's latest answered calls (at most 32, at most 30 s old; the latest is always kept): the distance. Null before the first answer.",
      example: 42,
    }),
    timeoutMs: z.number().int().openapi({
      description:
        "The timeout of a call sent now: the configured floor (`REDIS_TIMEOUT_MS`, `MYSQL_TIMEOUT_MS`) + 3 × the baseline, or + 3 × 300 ms before the first answer.",
      example: 426,
    }),
  })
  .openapi("StoreTimeout");

const Metrics = z
  .object({
    since: z.string(),
    mode: z.enum(["redis", "fallback"]),
    routes: z.array(
      z.object({
        route: z.string().openapi({ example: "POST /v1/holds" }),
        count: z.number().int(),
        byStatus: z.record(z.string(), z.number().int()),
        latencyMs: z.object({ p50: z.number(), p90: z.number(), p99: z.number() }),
      }),
    ),
    roundTrips: z.object({ redis: z.number().int(), mysql: z.number().int() }),
    storeTimeouts: z.object({ redis: StoreTimeout, mysql: StoreTimeout }).nullable().openapi({
      description:
        "Per store, the round trip this isolate has learned and the timeout a call sent now gets (null where the stores are not wired).",
    }),
    fallbackHits: z.record(z.string(), z.number().int()).openapi({
      description: "Calls served by the MySQL fallback, by operation.",
    }),
    errors: z.record(z.string(), z.number().int()).openapi({
      description: "Error answers by code (e.g. `OVERLOADED`, `STORE_UNAVAILABLE`).",
    }),
    holdUndos: z
      .object({
        undone: z.number().int(),
        kept: z.number().int(),
        gone: z.number().int(),
        failed: z.number().int(),
      })
      .openapi({
        description:
          "Undos of holds whose request was answered with an error (503): `undone` (the hold had been made and was taken back), `kept` (a retry with the same Idempotency-Key had been handed it), `gone` (nothing had been held), `failed` (the store did not answer the undo; retried in the background).",
      }),
    claims: z.object({ statements: z.number().int(), shared: z.number().int() }).openapi({
      description:
        "The booking store's claims of holds made in Redis: the first statements of claims sent (`statements`; a conflict's reads and retries are not counted), and the claims that went in one of them with others (`shared`).",
    }),
    shed: z.record(z.string(), z.number().int()).openapi({
      description:
        "Requests answered 503 OVERLOADED by this isolate, by reason (`queue-full`, `queue-timeout`, `fallback:<operation>`).",
    }),
    failovers: z.number().int(),
    failbacks: z.number().int(),
  })
  .openapi("Metrics");

const metricsRoute = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/debug/metrics",
      operationId: "debugMetrics",
      tags: ["Debug"],
      summary: "Request and store metrics of this isolate",
      description:
        "Requests by route (count, status classes, p50/p90/p99 of the latest 512), store round trips, and calls served by the fallback. Per isolate, since it started.",
      security: AdminSecurity,
      responses: {
        200: { description: "The metrics.", content: { "application/json": { schema: Metrics } } },
        ...errorResponses("UNAUTHORIZED"),
      },
    },
    { store: false },
  ),
);

export const failoverDebugRoutes = createRouter()
  .openapi(statusRoute, async (c) => {
    const { failover, config } = c.var.services;
    const status = failover?.gate.status();
    if (!failover || !status)
      return c.json(RedisStatus.parse(emptyStatus(config.REDIS_COOLDOWN_MS)), 200);
    // Redis is asked only in Redis mode: in fallback mode it could cost a timeout.
    const memory = status.mode === "redis" ? await failover.redisMemoryBytes() : null;
    const check = status.lastHealthCheck;
    const body = {
      mode: status.mode,
      cooldown: {
        active: status.cooldownUntilMs !== null,
        until: status.cooldownUntilMs === null ? null : iso(status.cooldownUntilMs),
        cooldownMs: config.REDIS_COOLDOWN_MS,
      },
      lastHealthCheck: check
        ? {
            at: iso(check.atMs),
            trigger: check.trigger,
            ok: check.ok,
            latencyMs: check.latencyMs,
            ...(check.error === undefined ? {} : { error: check.error }),
          }
        : null,
      failovers: status.failovers,
      failbacks: status.failbacks,
      busyTimeouts: status.busyTimeouts,
      lastBusy: status.lastBusy
        ? {
            at: iso(status.lastBusy.atMs),
            operation: status.lastBusy.operation,
            by: status.lastBusy.by,
          }
        : null,
      confirming: status.confirming,
      lastFailure: status.lastFailure
        ? {
            at: iso(status.lastFailure.atMs),
            operation: status.lastFailure.operation,
            error: status.lastFailure.error,
          }
        : null,
      lastSync: status.lastSync ? presentSync(status.lastSync) : null,
      redisMemoryBytes: memory,
    };
    return c.json(RedisStatus.parse(body), 200);
  })
  .openapi(metricsRoute, (c) => {
    const { metrics, failover, storeTimeouts } = c.var.services;
    const status = failover?.gate.status();
    const timeout = (store: { baselineMs(): number | null; timeoutMs(): number }) => ({
      baselineMs: store.baselineMs(),
      timeoutMs: store.timeoutMs(),
    });
    return c.json(
      Metrics.parse({
        ...metrics.snapshot(),
        storeTimeouts: storeTimeouts
          ? { redis: timeout(storeTimeouts.redis), mysql: timeout(storeTimeouts.mysql) }
          : null,
        mode: status?.mode ?? "redis",
        failovers: status?.failovers ?? 0,
        failbacks: status?.failbacks ?? 0,
      }),
      200,
    );
  });

function emptyStatus(cooldownMs: number) {
  return {
    mode: "redis",
    cooldown: { active: false, until: null, cooldownMs },
    lastHealthCheck: null,
    failovers: 0,
    failbacks: 0,
    busyTimeouts: 0,
    lastBusy: null,
    confirming: false,
    lastFailure: null,
    lastSync: null,
    redisMemoryBytes: null,
  };
}

import { z } from "@hono/zod-openapi";

export const StoreHealth = z
  .object({
    status: z
      .enum(["up", "down"])
      .openapi({ description: "Whether the probe succeeded.", example: "up" }),
    latencyMs: z
      .number()
      .int()
      .nonnegative()
      .openapi({ description: "Probe latency.", example: 4 }),
  })
  .openapi("StoreHealth");

export const HealthResponse = z
  .object({
    status: z.enum(["ok", "degraded"]).openapi({
      description:
        "`ok`: both stores answer. `degraded`: Redis is down and live state is served from the MySQL fallback.",
      example: "ok",
    }),
    redis: StoreHealth.openapi({
      description: "Redis: a health key written with a 5 s TTL and read back.",
    }),
    database: StoreHealth.openapi({ description: "MySQL: `SELECT 1`." }),
    storage: z.enum(["redis", "fallback"]).openapi({
      description: "The store serving holds and viewing markers right now.",
      example: "redis",
    }),
  })
  .openapi("Health");

export type HealthResponse = z.infer<typeof HealthResponse>;

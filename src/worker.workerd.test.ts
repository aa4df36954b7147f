/**
 * Runs inside workerd (the Workers runtime) through @cloudflare/vitest-pool-workers, against the
 * same test stack as the Node suites: catches differences between Node and the real runtime in
 * fetch, crypto, timers and the two store clients.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "./worker.ts";

describe("the worker inside workerd", () => {
  it("answers GET /v1/health with ok through the real Upstash and PlanetScale clients", async () => {
    const res = await exports.default.fetch("http://worker.test/v1/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toMatchObject({
      status: "ok",
      storage: "redis",
      redis: { status: "up" },
      database: { status: "up" },
    });
  });

  it("serves the OpenAPI document", async () => {
    const res = await exports.default.fetch("http://worker.test/openapi.json");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("runs the scheduled handler, which probes both stores and logs the result", async () => {
    const logged: string[] = [];
    const original = console.log;
    console.log = (line: unknown) => logged.push(String(line));
    try {
      const ctx = createExecutionContext();
      await worker.scheduled(
        createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    } finally {
      console.log = original;
    }
    const entry = logged
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((e) => e.msg === "scheduled health check");
    expect(entry).toMatchObject({
      status: "ok",
      cron: "* * * * *",
      redis: { ok: true },
      database: { ok: true },
    });
  });
});

import { describe, expect, it } from "vitest";
import { testApp } from "../../../test/drivers/api.ts";
import { DOWN, fakeProbe, fakeServices, resolveFake, UP } from "../../../test/fixtures/fakes.ts";

function appWith(redis = UP, database = UP) {
  return testApp(
    resolveFake(
      fakeServices({ liveStateProbe: fakeProbe(redis), bookingStoreProbe: fakeProbe(database) }),
    ),
  );
}

describe("GET /v1/health (route)", () => {
  it("answers 200 ok when both stores are up", async () => {
    const res = await appWith().request("/v1/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      redis: { status: "up", latencyMs: 3 },
      database: { status: "up", latencyMs: 3 },
      storage: "redis",
    });
  });

  it("answers 200 degraded with fallback storage when Redis is down", async () => {
    const res = await appWith(DOWN, UP).request("/v1/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "degraded",
      redis: { status: "down", latencyMs: 300 },
      database: { status: "up", latencyMs: 3 },
      storage: "fallback",
    });
  });

  it("answers 503 STORE_UNAVAILABLE with the report when MySQL is down", async () => {
    const res = await appWith(UP, DOWN).request("/v1/health");
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; details: { database: unknown } } };
    expect(body.error.code).toBe("STORE_UNAVAILABLE");
    expect(body.error.details.database).toEqual({ status: "down", latencyMs: 300 });
  });

  it("never reveals the probe's error text publicly", async () => {
    const res = await appWith({
      ok: false,
      latencyMs: 1,
      error: "ECONNREFUSED 10.0.0.7:6379",
    }).request("/v1/health");
    expect(await res.text()).not.toContain("10.0.0.7");
  });
});

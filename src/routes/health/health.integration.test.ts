import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PlanetscaleGateway,
  startPlanetscaleGateway,
} from "../../../scripts/gateways/planetscale-gateway.ts";
import {
  startUpstashGateway,
  type UpstashGateway,
} from "../../../scripts/gateways/upstash-gateway.ts";
import { workerApp as app } from "../../../test/drivers/api.ts";
import { directRedis } from "../../../test/stack/redis-direct.ts";
import { TEST_STACK, testBindings, uniqueId } from "../../../test/stack/stack-env.ts";

const redis = directRedis();
let flakyRedis: UpstashGateway;
let deadMysql: PlanetscaleGateway;

beforeAll(async () => {
  flakyRedis = await startUpstashGateway({
    port: 0,
    redisUrl: TEST_STACK.redisUrl,
    token: TEST_STACK.upstashToken,
  });
  // Nothing listens on port 1: this gateway stands for a MySQL that is down.
  deadMysql = await startPlanetscaleGateway({
    port: 0,
    mysqlUrl: "mysql://root@127.0.0.1:1/appointease_test",
    username: "test",
    password: "dead",
  });
});
afterAll(async () => {
  await flakyRedis.close();
  await deadMysql.close();
  redis.disconnect();
});

describe("GET /v1/health on the real stack", () => {
  it("is ok, and leaves a health key with a TTL of at most 5 s in Redis", async () => {
    const prefix = `${uniqueId("h")}:`;
    const res = await app.request("/v1/health", {}, testBindings(prefix));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      storage: "redis",
      redis: { status: "up" },
      database: { status: "up" },
    });
    const ttl = await redis.pttl(`${prefix}health`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it("reports degraded (not a hang, not a 500) when Redis hangs, within the Redis timeout", async () => {
    flakyRedis.setFault("hang");
    try {
      const bindings = testBindings(uniqueId("h"), {
        UPSTASH_REDIS_REST_URL: flakyRedis.url,
        REDIS_TIMEOUT_MS: "250",
      });
      const started = Date.now();
      const res = await app.request("/v1/health", {}, bindings);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: "degraded",
        storage: "fallback",
        redis: { status: "down" },
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      flakyRedis.setFault("none");
    }
  });

  it("reports degraded when the Redis gateway answers 500 or garbage", async () => {
    for (const fault of ["http500", "malformed", "refuse"] as const) {
      flakyRedis.setFault(fault);
      try {
        const bindings = testBindings(uniqueId("h"), { UPSTASH_REDIS_REST_URL: flakyRedis.url });
        const res = await app.request("/v1/health", {}, bindings);
        expect(res.status, fault).toBe(200);
        expect(((await res.json()) as { status: string }).status, fault).toBe("degraded");
      } finally {
        flakyRedis.setFault("none");
      }
    }
  });

  it("answers 503 STORE_UNAVAILABLE when MySQL is down", async () => {
    const res = await app.request(
      "/v1/health",
      {},
      testBindings(uniqueId("h"), { DATABASE_URL: deadMysql.url }),
    );
    expect(res.status).toBe(503);
    const body = (await res.json()) as {
      error: { code: string; details: { database: { status: string } } };
    };
    expect(body.error.code).toBe("STORE_UNAVAILABLE");
    expect(body.error.details.database.status).toBe("down");
  });
});

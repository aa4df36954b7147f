import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  startUpstashGateway,
  type UpstashGateway,
} from "../../../scripts/gateways/upstash-gateway.ts";
import { directRedis } from "../../../test/stack/redis-direct.ts";
import { TEST_STACK, uniqueId } from "../../../test/stack/stack-env.ts";
import * as scripts from "../../lua/scripts.gen.ts";
import { createRedisClient } from "./client.ts";
import { RedisFailure, runScript } from "./run-script.ts";

const redis = directRedis();
let gateway: UpstashGateway;

beforeAll(async () => {
  gateway = await startUpstashGateway({
    port: 0,
    redisUrl: TEST_STACK.redisUrl,
    token: "rs-token",
  });
});
afterAll(async () => {
  await gateway.close();
  redis.disconnect();
});

const client = () => createRedisClient({ url: gateway.url, token: "rs-token", timeoutMs: 300 });
const allScripts = Object.values(scripts).filter(
  (value): value is scripts.LuaScript => typeof value === "object",
);

describe("Lua scripts", () => {
  it("pins every generated sha1 to what SCRIPT LOAD returns on a real Redis", async () => {
    expect(allScripts.length).toBeGreaterThan(0);
    for (const script of allScripts) {
      expect(await redis.script("LOAD", script.source), script.name).toBe(script.sha1);
    }
  });
});

describe("runScript", () => {
  it("falls back to EVAL when Redis answers NOSCRIPT, then EVALSHA works", async () => {
    // A script text unique to this test is absent from the script cache, as after SCRIPT FLUSH,
    // without flushing the scripts that parallel test files rely on (and count round trips of).
    const key = uniqueId("rs:");
    const source = `-- ${key}\n${scripts.healthProbe.source}`;
    const fresh = {
      ...scripts.healthProbe,
      source,
      sha1: createHash("sha1").update(source).digest("hex"),
    };
    const exists = async () =>
      Number(await redis.script("EXISTS", fresh.sha1).then((r) => (r as number[])[0]));
    expect(await exists()).toBe(0);
    const reply = await runScript(client(), fresh, [key], ["v1", 5000], z.string());
    expect(reply).toBe("v1");
    expect(await exists()).toBe(1);
    expect(await runScript(client(), fresh, [key], ["v2", 5000], z.string())).toBe("v2");
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it("treats a reply that breaks the script's contract as a RedisFailure", async () => {
    const run = runScript(
      client(),
      scripts.healthProbe,
      [uniqueId("rs:")],
      ["123", 5000],
      z.number(),
    );
    await expect(run).rejects.toBeInstanceOf(RedisFailure);
  });

  it("surfaces a Redis error as a RedisFailure carrying Redis's text", async () => {
    const run = runScript(
      client(),
      scripts.healthProbe,
      [uniqueId("rs:")],
      ["v", "not-a-number"],
      z.string(),
    );
    await expect(run).rejects.toThrow(/script health_probe: .*(not an integer|ERR)/);
  });

  it("turns a hung Redis into an error after the timeout, never the result 'Aborted'", async () => {
    gateway.setFault("hang");
    try {
      const started = Date.now();
      const run = runScript(
        client(),
        scripts.healthProbe,
        [uniqueId("rs:")],
        ["v", 5000],
        z.string(),
      );
      await expect(run).rejects.toBeInstanceOf(RedisFailure);
      // One attempt bounded by the 300 ms timeout: the client's retries would take seconds.
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(client().get("any")).rejects.toThrow();
    } finally {
      gateway.setFault("none");
    }
  });

  it("makes exactly one HTTP request per call (no client retries on a refused connection)", async () => {
    gateway.setFault("refuse");
    try {
      const before = gateway.requestCount();
      await expect(client().get("any")).rejects.toThrow();
      expect(gateway.requestCount() - before).toBe(1);
    } finally {
      gateway.setFault("none");
    }
  });
});

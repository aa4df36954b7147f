/**
 * The Upstash client as failover builds it, against the real Redis through a gateway of this
 * file's own: each call is bounded by the timeout asked as it is sent, and the observer learns
 * which calls were answered and how long each took (only those teach the learned timeout, see
 * src/compose.ts and src/storage/round-trip-baseline.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  startUpstashGateway,
  type UpstashGateway,
} from "../../../scripts/gateways/upstash-gateway.ts";
import { TEST_STACK, uniqueId } from "../../../test/stack/stack-env.ts";
import { createRedisClient, type RedisCallObserver } from "./client.ts";

const TOKEN = "client-token";
let gateway: UpstashGateway;

beforeAll(async () => {
  gateway = await startUpstashGateway({ port: 0, redisUrl: TEST_STACK.redisUrl, token: TOKEN });
});
afterEach(() => gateway.setFault("none"));
afterAll(() => gateway.close());

/** A client whose timeout is `bound.ms` when a call is sent, and what its observer saw. */
function observedClient(bound: { ms: number }) {
  const ended: { answered: boolean; durationMs: number | null }[] = [];
  let asked = 0;
  const observer: RedisCallObserver = {
    started: () => undefined,
    finished: (answered, durationMs) => ended.push({ answered, durationMs }),
  };
  const redis = createRedisClient(
    {
      url: gateway.url,
      token: TOKEN,
      timeoutMs: () => {
        asked++;
        return bound.ms;
      },
    },
    observer,
  );
  return { redis, ended, asked: () => asked };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createRedisClient", () => {
  it("asks the timeout of every call as it is sent: the same call passes under a long one and times out under a short one", async () => {
    const bound = { ms: 2_000 };
    const { redis, asked } = observedClient(bound);
    gateway.setFault("slow", { slowMs: 150 });
    expect(await redis.get(uniqueId("c:"))).toBeNull();
    bound.ms = 50;
    gateway.setFault("slow", { slowMs: 1_500 });
    const started = Date.now();
    await expect(redis.get(uniqueId("c:"))).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(1_500); // the timeout, not the answer
    expect(asked()).toBe(2);
  });

  it("reports each answered call with its duration, and a timeout, a refusal and an error reply as unanswered", async () => {
    const bound = { ms: 2_000 }; // generous: shared machines
    const { redis, ended } = observedClient(bound);
    gateway.setFault("slow", { slowMs: 40 });
    await redis.set(uniqueId("c:"), "v");
    bound.ms = 100;
    gateway.setFault("hang");
    await expect(redis.get(uniqueId("c:"))).rejects.toThrow();
    gateway.setFault("refuse");
    await expect(redis.get(uniqueId("c:"))).rejects.toThrow();
    gateway.setFault("none");
    await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
    await settle();
    expect(ended.map((e) => e.answered)).toEqual([true, false, false, false]);
    expect(ended[0]?.durationMs).toBeGreaterThanOrEqual(38);
    expect(ended[0]?.durationMs).toBeLessThan(2_000);
  });
});

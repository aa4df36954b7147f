/**
 * The funnel while Redis is down: the MySQL fallback counts what the live scripts count in Redis
 * (in the transactions it already runs), its expiry clean-up counts the holds that expired
 * unbooked, and GET /v1/admin/stats adds those counts to Redis's once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UpstashGateway } from "../../../scripts/gateways/upstash-gateway.ts";
import { type Api, testApi } from "../../../test/drivers/api.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";
import { directRedis } from "../../../test/stack/redis-direct.ts";
import { TEST_SETTINGS, TEST_STACK, uniqueId } from "../../../test/stack/stack-env.ts";
import { deleteExpiredFallbackRows } from "../fallback/fallback-cleanup.ts";
import { createMysqlClient } from "../mysql/client.ts";
import { RedisKeys } from "../redis/keys.ts";

const clock = new FixedClock(Date.now());
const redis = directRedis();
let gateway: UpstashGateway;
let api: Api;
let fx: LiveFixture;

type Proof = { holdId: string; holdToken: string };
type Report = { partial: boolean; total: Record<string, unknown>; days: Record<string, unknown>[] };

beforeAll(async () => {
  const { startUpstashGateway } = await import("../../../scripts/gateways/upstash-gateway.ts");
  gateway = await startUpstashGateway({
    port: 0,
    redisUrl: TEST_STACK.redisUrl,
    token: TEST_STACK.upstashToken,
  });
  api = testApi({ UPSTASH_REDIS_REST_URL: gateway.url, REDIS_TIMEOUT_MS: "300" }, clock);
  // Redis refuses every call from here on: availability, select, hold, release and booking all
  // run on the MySQL fallback.
  gateway.setFault("refuse");
  fx = await liveFixture(api);
});

afterAll(async () => {
  redis.disconnect();
  await gateway.close();
});

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function call(path: string, body: unknown, status: number): Promise<Response> {
  const res = await fx.post(path, body);
  expect(res.status, await res.clone().text()).toBe(status);
  return res;
}

describe("the funnel on the MySQL fallback", () => {
  it("counts a scripted day exactly: 10 selections, 5 holds, 3 booked, 1 released, 1 expired", async () => {
    const starts: string[] = [];
    for (const slot of await fx.slots()) {
      const last = starts.at(-1);
      if (last === undefined || Date.parse(slot.start) - Date.parse(last) >= 1_800_000)
        starts.push(slot.start);
    }
    const [viewed, ...held] = starts.slice(0, 6) as [string, ...string[]];
    expect(held).toHaveLength(5);
    const slot = (start: string) => ({
      clientId: newClientId(),
      serviceId: fx.serviceId,
      staffId: fx.staffId,
      start,
    });

    for (let i = 0; i < 10; i++) await call("/v1/slots/select", slot(viewed), 200);
    const holds: Proof[] = [];
    for (const start of held) {
      const { holdId, holdToken } = (await (
        await call("/v1/holds", slot(start), 201)
      ).json()) as Proof;
      holds.push({ holdId, holdToken });
    }
    const [a, b, c, released] = holds as [Proof, Proof, Proof, Proof, Proof];
    for (const proof of [a, b, c]) {
      const res = await api.request("/v1/appointments", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("k") },
        body: JSON.stringify({
          ...proof,
          customer: { name: "Fallback", email: "fb@example.test" },
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const release = await api.request(`/v1/holds/${released.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": released.holdToken },
    });
    expect(release.status).toBe(204);

    // The Cron Trigger's clean-up, past the hold's TTL: the hold left alone expired unbooked.
    clock.advance(TEST_SETTINGS.holdTtlS * 1000 + 60_000);
    const db = createMysqlClient({ url: api.bindings.DATABASE_URL ?? "", timeoutMs: 5_000 });
    await deleteExpiredFallbackRows(db, clock.nowMs());

    // Nothing reached Redis: every count below is the fallback's.
    const day = utcDate(Date.now());
    const prefix = api.bindings.REDIS_KEY_PREFIX ?? "";
    expect(await redis.exists(new RedisKeys(prefix).stats(fx.staffId, day))).toBe(0);
    const expected = {
      selections: 10,
      holdsCreated: 5,
      holdsBooked: 3,
      holdsReleased: 1,
      holdsExpired: 1,
      bookings: 3,
      cancellations: 0,
      reschedules: 0,
      holdToBookingRate: 0.6,
      selectionToHoldRate: 0.5,
    };
    // While Redis refuses, the report answers from MySQL alone and says it is partial: here that
    // is everything, since every count was the fallback's.
    const to = utcDate(clock.nowMs() + 86_400_000);
    const query = `/v1/admin/stats?from=${day}&to=${to}&staffId=${fx.staffId}`;
    const down = await api.admin("GET", query);
    expect(down.status, await down.clone().text()).toBe(200);
    const partial = (await down.json()) as Report;
    expect(partial.partial).toBe(true);
    expect(partial.total).toEqual({ ...expected, slowCalls: {} });

    // Redis answers again: the same counts (Redis has none of them), and the report is whole. A
    // fresh isolate reads Redis (this one's gate is still cooling down).
    gateway.setFault("none");
    const res = await testApi({
      UPSTASH_REDIS_REST_URL: gateway.url,
      REDIS_KEY_PREFIX: prefix,
    }).request(query, {
      headers: { Authorization: `Bearer ${TEST_STACK.adminToken}` },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const whole = (await res.json()) as Report;
    expect(whole.partial).toBe(false);
    const { slowCalls: _slow, ...total } = whole.total;
    expect(total).toEqual(expected);
  });
});

/**
 * A healthy Redis far from the isolate, end to end through the app, the real clients and real
 * stores (docs/adr/0506-timeouts-that-know-the-distance.md): this file's Upstash gateway
 * answers every request 400 ms late, a real delay on the local hop, as a Redis 400 ms away would,
 * while REDIS_TIMEOUT_MS (the floor) stays 300. The isolate learns the distance and never calls
 * the store down or busy for it; a hang still fails over, after floor + k × the learned round
 * trip, and a refused connection at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import {
  type FaultGateways,
  isolateOver,
  startFaultGateways,
} from "../../../test/stack/fault-gateways.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import { COLD_ROUND_TRIP_MS, timeoutFor } from "../round-trip-baseline.ts";

const FLOOR_MS = 300;
const DISTANCE_MS = 400;
const CALLS = 50;
let gateways: FaultGateways;

beforeAll(async () => {
  gateways = await startFaultGateways({ upstashDelayMs: DISTANCE_MS });
});

afterAll(() => gateways.close());

describe("a healthy Redis 400 ms away, with a 300 ms floor", () => {
  it("50 sequential heartbeats: no failover, no 503; then a hang fails over after floor + 3 × the learned round trip, and a refusal at once", async () => {
    const api = isolateOver(gateways, `${uniqueId("di")}:`, { REDIS_TIMEOUT_MS: String(FLOOR_MS) });
    const catalogApi = { bindings: {}, request: api.request, admin: api.admin };
    const { id: serviceId } = await createTestService(catalogApi, { durationMin: 30 });
    const { id: staffId } = await createTestStaff(catalogApi, { serviceIds: [serviceId] });
    const beat = { clientId: uniqueId("client_"), staffId, date: upcomingMonday() };
    const heartbeat = async () => {
      const startedMs = performance.now();
      const res = await api.json("POST", "/v1/heartbeat", beat);
      const elapsedMs = performance.now() - startedMs;
      const body = (await res.json()) as { storage?: string };
      return { status: res.status, storage: body.storage, elapsedMs };
    };
    const status = async () =>
      (await (await api.admin("GET", "/v1/debug/redis-status")).json()) as {
        mode: string;
        failovers: number;
        busyTimeouts: number;
      };
    const redisTimeout = async () => {
      const res = await api.admin("GET", "/v1/debug/metrics");
      const body = (await res.json()) as {
        storeTimeouts: { redis: { baselineMs: number | null; timeoutMs: number } };
      };
      return body.storeTimeouts.redis;
    };

    // Far, not slow: every call is answered, on Redis.
    const answers = [];
    for (let i = 0; i < CALLS; i++) answers.push(await heartbeat());
    expect(answers.filter((a) => a.status === 503)).toEqual([]);
    expect(answers.map((a) => `${a.status} ${a.storage}`)).toEqual(Array(CALLS).fill("200 redis"));
    expect(await status()).toMatchObject({ mode: "redis", failovers: 0, busyTimeouts: 0 });
    const learned = await redisTimeout();
    expect(learned.baselineMs).toBeGreaterThanOrEqual(DISTANCE_MS);
    const baselineMs = learned.baselineMs ?? Number.NaN;
    const timeoutMs = timeoutFor(FLOOR_MS, baselineMs);
    expect(learned.timeoutMs).toBe(timeoutMs);

    // Hung: the one Redis request waits out the learned timeout, not the floor; then the
    // fallback answers. The upper bound is loose on purpose (shared machines: the fallback's SQL
    // follows), but far below what the client's own retries would take (seconds more).
    gateways.upstash.setFault("hang");
    try {
      const before = gateways.upstash.requestCount();
      const hung = await heartbeat();
      expect(hung).toMatchObject({ status: 200, storage: "fallback" });
      expect(gateways.upstash.requestCount() - before).toBe(1);
      expect(hung.elapsedMs).toBeGreaterThanOrEqual(timeoutMs - 5); // timer granularity
      expect(hung.elapsedMs).toBeLessThan(timeoutMs + 1_000);
      expect(await status()).toMatchObject({ mode: "fallback", failovers: 1 });
    } finally {
      gateways.upstash.setFault("none");
    }

    // Back on Redis (an explicit failback: the cool-down is long), then refused: at once, after
    // the one round trip the refusal itself takes, never after the timeout.
    const sync = await api.admin("POST", "/v1/admin/sync");
    expect(await sync.json()).toMatchObject({ mode: "redis" });
    gateways.upstash.setFault("refuse");
    try {
      const refused = await heartbeat();
      expect(refused).toMatchObject({ status: 200, storage: "fallback" });
      expect(refused.elapsedMs).toBeLessThan(timeoutMs);
      expect(await status()).toMatchObject({ mode: "fallback", failovers: 2 });
    } finally {
      gateways.upstash.setFault("none");
    }
  }, 120_000);
  it("a fresh isolate whose first Redis call hangs fails over after the cold timeout, floor + 3 × 300 ms, and learns nothing from it", async () => {
    const setup = isolateOver(gateways, `${uniqueId("di")}:`);
    const catalogApi = { bindings: {}, request: setup.request, admin: setup.admin };
    const { id: serviceId } = await createTestService(catalogApi, { durationMin: 30 });
    const { id: staffId } = await createTestStaff(catalogApi, { serviceIds: [serviceId] });
    const api = isolateOver(gateways, `${uniqueId("di")}:`, { REDIS_TIMEOUT_MS: String(FLOOR_MS) });
    const coldMs = timeoutFor(FLOOR_MS, null);
    expect(coldMs).toBe(FLOOR_MS + 3 * COLD_ROUND_TRIP_MS);
    gateways.upstash.setFault("hang");
    try {
      const startedMs = performance.now();
      const res = await api.json("POST", "/v1/heartbeat", {
        clientId: uniqueId("client_"),
        staffId,
        date: upcomingMonday(),
      });
      const elapsedMs = performance.now() - startedMs;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { storage: string }).storage).toBe("fallback");
      expect(elapsedMs).toBeGreaterThanOrEqual(coldMs - 5); // timer granularity
      expect(elapsedMs).toBeLessThan(coldMs + 1_000); // loose: shared machines
      const metrics = await api.admin("GET", "/v1/debug/metrics");
      expect(await metrics.json()).toMatchObject({
        failovers: 1,
        storeTimeouts: { redis: { baselineMs: null, timeoutMs: coldMs } },
      });
    } finally {
      gateways.upstash.setFault("none");
    }
  });
});

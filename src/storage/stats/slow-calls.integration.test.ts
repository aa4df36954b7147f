/**
 * Slow store calls end up in GET /v1/admin/stats: a hold Redis answers late is counted against
 * the round trip the isolate learned, and written in the background of its own request (the
 * request's waitUntil), not in another round trip on its way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UpstashGateway } from "../../../scripts/gateways/upstash-gateway.ts";
import { type Api, testApp } from "../../../test/drivers/api.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { liveFixture, newClientId } from "../../../test/fixtures/live-fixtures.ts";
import { TEST_STACK, testBindings, uniqueId } from "../../../test/stack/stack-env.ts";
import { buildServices } from "../../compose.ts";
import { holdSlots } from "../../lua/scripts.gen.ts";

const clock = new FixedClock(Date.now());
let gateway: UpstashGateway;
let api: Api;
/** The background work the requests handed to waitUntil. */
const background: Promise<unknown>[] = [];

beforeAll(async () => {
  const { startUpstashGateway } = await import("../../../scripts/gateways/upstash-gateway.ts");
  gateway = await startUpstashGateway({
    port: 0,
    redisUrl: TEST_STACK.redisUrl,
    token: TEST_STACK.upstashToken,
  });
  const bindings = testBindings(`${uniqueId("r")}:`, {
    UPSTASH_REDIS_REST_URL: gateway.url,
    REDIS_TIMEOUT_MS: "3000",
    SLOW_CALL_MS: "300",
  });
  const services = buildServices(bindings, clock);
  const app = testApp(() => services);
  const executionCtx = {
    waitUntil: (work: Promise<unknown>) => void background.push(work),
    passThroughOnException: () => undefined,
    props: {},
  } as never;
  const request = (path: string, init: RequestInit = {}) =>
    app.request(path, init, bindings, executionCtx);
  api = {
    bindings,
    request,
    admin: (method, path, body) =>
      request(path, {
        method,
        headers: {
          Authorization: `Bearer ${TEST_STACK.adminToken}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
});

afterAll(async () => {
  await gateway.close();
});

describe("slow calls", () => {
  it("counts a hold Redis answers 1 s late as slow, once, and the report shows it", async () => {
    const fx = await liveFixture(api);
    const start = await fx.start("10:00"); // fast calls first: the isolate learns the round trip
    gateway.setFault("slow", { slowMs: 1_000, only: holdSlots.sha1, times: 1 });
    const res = await fx.post("/v1/holds", {
      clientId: newClientId(),
      serviceId: fx.serviceId,
      staffId: fx.staffId,
      start,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    await Promise.all(background);

    const day = new Date(clock.nowMs()).toISOString().slice(0, 10);
    const report = await api.admin("GET", `/v1/admin/stats?from=${day}&to=${day}`);
    expect(report.status, await report.clone().text()).toBe(200);
    const body = (await report.json()) as {
      days: { slowCalls: Record<string, number> }[];
      total: { slowCalls: Record<string, number> };
    };
    expect(body.total.slowCalls["redis:hold"]).toBe(1);
    expect(body.days[0]?.slowCalls["redis:hold"]).toBe(1);
  });
});

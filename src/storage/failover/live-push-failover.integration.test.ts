/**
 * GET /v1/live while Redis stops and comes back (issue 15): this file's own Upstash gateway
 * injects the fault, so no other test sees it. An isolate that fails over ends its streams with
 * `mode: poll`; a stream opened on the fallback gets `mode: poll` at once; after the failback a
 * new stream works again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PlanetscaleGateway,
  startPlanetscaleGateway,
} from "../../../scripts/gateways/planetscale-gateway.ts";
import {
  startUpstashGateway,
  type UpstashGateway,
} from "../../../scripts/gateways/upstash-gateway.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/catalog-fixtures.ts";
import { testApp } from "../../../test/api.ts";
import { expectStreamingAfterFailback, readSse, type SseReader } from "../../../test/sse.ts";
import { TEST_STACK, testBindings, uniqueId } from "../../../test/stack-env.ts";
import { buildServices } from "../../compose.ts";

let upstash: UpstashGateway;
let planetscale: PlanetscaleGateway;
const readers: SseReader[] = [];

beforeAll(async () => {
  upstash = await startUpstashGateway({
    port: 0,
    redisUrl: TEST_STACK.redisUrl,
    token: TEST_STACK.upstashToken,
  });
  planetscale = await startPlanetscaleGateway({
    port: 0,
    mysqlUrl: TEST_STACK.mysqlUrl,
    username: TEST_STACK.planetscaleUsername,
    password: TEST_STACK.planetscalePassword,
  });
});

afterAll(async () => {
  for (const reader of readers) await reader.close();
  upstash.setFault("none");
  await upstash.close();
  await planetscale.close();
});

function isolate(prefix: string) {
  const bindings = testBindings(prefix, {
    UPSTASH_REDIS_REST_URL: upstash.url,
    DATABASE_URL: `http://${TEST_STACK.planetscaleUsername}:${TEST_STACK.planetscalePassword}@127.0.0.1:${planetscale.port}`,
    REDIS_TIMEOUT_MS: "300",
    REDIS_COOLDOWN_MS: "600000", // the test ends the cool-down with an explicit sync
  });
  const services = buildServices(bindings);
  const app = testApp(() => services);
  const request = async (path: string, init: RequestInit = {}) => app.request(path, init, bindings);
  const admin = (method: string, path: string, body?: unknown) =>
    request(path, {
      method,
      headers: {
        Authorization: `Bearer ${TEST_STACK.adminToken}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { services, request, admin };
}

describe("GET /v1/live when Redis stops", () => {
  it.each([
    { ends: "the subscription ends too", keepSubscriptions: false },
    { ends: "the subscription stays open", keepSubscriptions: true },
  ])(
    "sends mode: poll and ends when the isolate fails over ($ends), answers mode: poll on the fallback, and streams again after the failback",
    async ({ keepSubscriptions }) => {
      const api = isolate(`${uniqueId("lp")}:`);
      const { id: serviceId } = await createTestService(
        { bindings: {}, request: api.request, admin: api.admin },
        { durationMin: 30, bufferAfterMin: 0 },
      );
      const { id: staffId } = await createTestStaff(
        { bindings: {}, request: api.request, admin: api.admin },
        { serviceIds: [serviceId] },
      );
      const date = upcomingMonday();
      const clientId = uniqueId("client_");
      const open = async () => {
        const query = new URLSearchParams({ staffId, date, clientId });
        const res = await api.request(`/v1/live?${query}`);
        expect(res.status).toBe(200);
        const reader = readSse(res);
        readers.push(reader);
        return reader;
      };
      const heartbeat = () =>
        api.request("/v1/heartbeat", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ clientId, staffId, date }),
        });

      const streaming = await open();
      expect((await streaming.next())?.event).toBe("snapshot");

      upstash.setFault("refuse", { keepSubscriptions });
      // Another request of this isolate meets the outage and fails over (served by the fallback).
      const during = await heartbeat();
      expect(during.status).toBe(200);
      expect(((await during.json()) as { storage: string }).storage).toBe("fallback");
      const [mode] = (await streaming.until("mode")).filter((e) => e.event !== "comment");
      expect(mode).toEqual({ event: "mode", data: '{"mode":"poll"}' });
      expect(await streaming.next()).toBeNull(); // the stream ended

      const onFallback = await open();
      expect(await onFallback.next()).toEqual({ event: "mode", data: '{"mode":"poll"}' });
      expect(await onFallback.next()).toBeNull();

      upstash.setFault("none");
      await expectStreamingAfterFailback(api.admin, open);
    },
  );
});

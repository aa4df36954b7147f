/**
 * GET /v1/live while Redis stops and comes back (docs/architecture/live-push.md): this file's own Upstash gateway
 * injects the fault, so no other test sees it. An isolate that fails over ends its streams with
 * `mode: poll`; a stream opened on the fallback gets `mode: poll` at once; after the failback a
 * new stream works again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectStreamingAfterFailback,
  readSse,
  type SseReader,
} from "../../../test/drivers/sse.ts";
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

let gateways: FaultGateways;
const readers: SseReader[] = [];

beforeAll(async () => {
  gateways = await startFaultGateways();
});

afterAll(async () => {
  for (const reader of readers) await reader.close();
  await gateways.close();
});

describe("GET /v1/live when Redis stops", () => {
  it.each([
    { ends: "the subscription ends too", keepSubscriptions: false },
    { ends: "the subscription stays open", keepSubscriptions: true },
  ])(
    "sends mode: poll and ends when the isolate fails over ($ends), answers mode: poll on the fallback, and streams again after the failback",
    async ({ keepSubscriptions }) => {
      const api = isolateOver(gateways, `${uniqueId("lp")}:`);
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
        const query = new URLSearchParams({ staffId, date });
        const res = await api.request(`/v1/live?${query}`, {
          headers: { "X-Client-Id": clientId },
        });
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

      gateways.upstash.setFault("refuse", { keepSubscriptions });
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

      gateways.upstash.setFault("none");
      await expectStreamingAfterFailback(api.admin, open);
    },
  );
});

/**
 * GET /v1/live in the Workers runtime while Redis stops (docs/architecture/live-push.md): one request finds Redis down
 * and fails the isolate over; a stream that another request opened must still send `mode: poll`
 * and end. In Workers a request cannot write to another request's stream, so the stream has to
 * notice the failover from its own timers. The gateway keeps the subscription open
 * (keepSubscriptions), so the failover is the only sign the stream gets.
 */
import { describe, expect, it } from "vitest";
import { expectStreamingAfterFailback, readSse } from "../../../test/drivers/sse.ts";
import { admin, bindings, request } from "../../../test/drivers/workerd-api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";

/** Sets the fault gateway's fault; open subscriptions stay open. */
async function setFault(fault: "none" | "refuse"): Promise<void> {
  const res = await fetch(`${bindings.UPSTASH_REDIS_REST_URL}/__fault`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${bindings.UPSTASH_REDIS_REST_TOKEN}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ fault, keepSubscriptions: true }),
  });
  expect(res.status, await res.text()).toBe(200);
}

describe("GET /v1/live inside workerd when another request fails the isolate over", () => {
  it("the open stream sends mode: poll and ends; after the failback a new stream works", async () => {
    const api = { bindings, request, admin };
    const { id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
    const { id: staffId } = await createTestStaff(api, { serviceIds: [serviceId] });
    const date = upcomingMonday();
    const clientId = `client_${crypto.randomUUID().slice(0, 12)}`;
    const open = async () => {
      const query = new URLSearchParams({ staffId, date });
      const res = await request(`/v1/live?${query}`, { headers: { "X-Client-Id": clientId } });
      expect(res.status).toBe(200);
      return readSse(res);
    };

    const streaming = await open();
    expect((await streaming.next())?.event).toBe("snapshot");
    try {
      await setFault("refuse");
      const during = await request("/v1/heartbeat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ clientId, staffId, date }),
      });
      expect(during.status).toBe(200);
      expect(((await during.json()) as { storage: string }).storage).toBe("fallback");
      const events = (await streaming.until("mode", 5_000)).filter((e) => e.event !== "comment");
      expect(events).toEqual([{ event: "mode", data: '{"mode":"poll"}' }]);
      expect(await streaming.next()).toBeNull(); // the stream ended
    } finally {
      await setFault("none");
      await streaming.close();
    }

    await expectStreamingAfterFailback(admin, open);
  });
});

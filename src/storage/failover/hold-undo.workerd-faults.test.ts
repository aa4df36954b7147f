/**
 * A hold whose reply comes too late, inside the Workers runtime: the hold script runs in Redis,
 * its answer arrives after the call's timeout while other calls of the isolate are answered, so
 * the request is answered 503 OVERLOADED. It must hold nothing: the route takes the hold back
 * before it answers (or in waitUntil), and the next client holds the slot.
 */
import { describe, expect, it } from "vitest";
import { admin, bindings, request } from "../../../test/drivers/workerd-api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { holdSlots } from "../../lua/scripts.gen.ts";

async function setFault(fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${bindings.UPSTASH_REDIS_REST_URL}/__fault`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${bindings.UPSTASH_REDIS_REST_TOKEN}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(fault),
  });
  expect(res.status, await res.text()).toBe(200);
}

async function undone(): Promise<number> {
  const res = await admin("GET", "/v1/debug/metrics");
  expect(res.status).toBe(200);
  return ((await res.json()) as { holdUndos: { undone: number } }).holdUndos.undone;
}

describe("a hold answered 503 inside workerd", () => {
  it("leaves no hold: the late hold is taken back and the next client holds the slot", async () => {
    const api = { bindings, request, admin };
    const { id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
    const { id: staffId } = await createTestStaff(api, { serviceIds: [serviceId] });
    const date = upcomingMonday();
    const availability = `/v1/availability?${new URLSearchParams({ serviceId, staffId, from: date, to: date })}`;
    const read = await request(availability);
    expect(read.status).toBe(200);
    const slots = ((await read.json()) as { days: { slots: { start: string }[] }[] }).days[0]
      ?.slots;
    const at = (hhmm: string) => slots?.find((s) => s.start.slice(11, 16) === hhmm)?.start;
    const hold = (start: string | undefined) =>
      request("/v1/holds", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          clientId: `client_${crypto.randomUUID().slice(0, 12)}`,
          serviceId,
          staffId,
          start,
        }),
      });
    // The script is loaded (a late NOSCRIPT would make nothing run at all).
    expect((await hold(at("09:00"))).status).toBe(201);
    const before = await undone();

    await setFault({ fault: "late", slowMs: 1_500, only: holdSlots.sha1, times: 1 });
    try {
      const late = hold(at("10:00"));
      // Another call of the isolate is answered meanwhile: the timeout is judged "busy".
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await request(availability)).status).toBe(200);
      const answer = await late;
      expect(answer.status, await answer.clone().text()).toBe(503);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("OVERLOADED");
    } finally {
      await setFault({ fault: "none" });
    }
    const next = await hold(at("10:00"));
    expect(next.status, await next.clone().text()).toBe(201);
    expect(await undone()).toBe(before + 1);
  }, 60_000);
});

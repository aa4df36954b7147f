/**
 * Slot squatting: one client holds at most `maxHeldSlotsPerClient` live slots
 * (default 4) and one address at most `maxHeldSlotsPerIp` (default 20, IPv6 grouped by /64);
 * past a limit the hold answers 429 HOLD_LIMIT with Retry-After = the earliest expiry among that
 * holder's holds. Black-box through the API on the real Redis.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { liveFixture } from "../../../test/fixtures/live-fixtures.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

type Slot = { start: string };
const clock = new FixedClock(Date.now());
const api: Api = testApi({}, clock);
const monday = upcomingMonday();
let serviceId: string;
let staffId: string;
let starts: string[];

function hold(clientId: string, start: string, ip: string) {
  return api.request("/v1/holds", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify({ clientId, serviceId, staffId, start }),
  });
}

beforeAll(async () => {
  ({ id: serviceId } = await createTestService(api, { durationMin: 15, bufferAfterMin: 0 }));
  ({ id: staffId } = await createTestStaff(api, { serviceIds: [serviceId] }));
  const query = new URLSearchParams({ serviceId, staffId, from: monday, to: monday });
  const res = await api.request(`/v1/availability?${query}`);
  starts = (((await res.json()) as { days: { slots: Slot[] }[] }).days[0]?.slots ?? []).map(
    (s) => s.start,
  );
  expect(starts.length).toBeGreaterThan(26);
});

describe("hold limits", () => {
  it("a client holds at most 4 slots; the 5th is 429 HOLD_LIMIT with Retry-After, and a release frees a place", async () => {
    const me = uniqueId("client_");
    const ip = "203.0.113.10";
    const held = [];
    for (const start of starts.slice(0, 4)) {
      const res = await hold(me, start, ip);
      expect(res.status).toBe(201);
      held.push((await res.json()) as { holdId: string; holdToken: string });
    }
    const fifth = await hold(me, starts[4] as string, ip);
    await expectError(fifth, 429, "HOLD_LIMIT", "body.clientId:");
    expect(Number(fifth.headers.get("Retry-After"))).toBe(600);
    const first = held[0] as { holdId: string; holdToken: string };
    const released = await api.request(`/v1/holds/${first.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": first.holdToken, "CF-Connecting-IP": ip },
    });
    expect(released.status).toBe(204);
    expect((await hold(me, starts[4] as string, ip)).status).toBe(201);
  });

  it("an address holds at most 20 slots across clients, IPv6 grouped by /64", async () => {
    const ips = ["2001:db8:77:1::1", "2001:db8:77:1:ffff::2"]; // one /64
    for (let i = 0; i < 20; i++) {
      const res = await hold(uniqueId("client_"), starts[6 + i] as string, ips[i % 2] as string);
      expect(res.status).toBe(201);
    }
    const next = await hold(uniqueId("client_"), starts[26] as string, "2001:db8:77:1::99");
    await expectError(next, 429, "HOLD_LIMIT", "CF-Connecting-IP");
    // Another /64 is another address.
    expect((await hold(uniqueId("client_"), starts[26] as string, "2001:db8:77:2::1")).status).toBe(
      201,
    );
  });

  it("extending with a token that is not whole keeps nothing: the client never holds more than its limit", async () => {
    // The review's repro, on a fixed clock: hold 4 (the 5th is 429), extend each with its
    // token's secret part alone before they end, then hold again once they would have ended.
    const own = await liveFixture(api, { durationMin: 15, bufferAfterMin: 0 });
    const starts = (await own.slots()).map((s) => s.start);
    const me = uniqueId("client_");
    const ip = "203.0.113.30";
    const holdAt = (start: string) =>
      api.request("/v1/holds", {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
        body: JSON.stringify({
          clientId: me,
          serviceId: own.serviceId,
          staffId: own.staffId,
          start,
        }),
      });
    const held: { holdId: string; holdToken: string }[] = [];
    for (const start of starts.slice(0, 4)) {
      const res = await holdAt(start);
      expect(res.status).toBe(201);
      held.push((await res.json()) as { holdId: string; holdToken: string });
    }
    await expectError(await holdAt(starts[4] as string), 429, "HOLD_LIMIT", "body.clientId:");
    const extend = (h: { holdId: string }, token: string) =>
      api.request(`/v1/holds/${h.holdId}`, {
        method: "PATCH",
        headers: { "X-Hold-Token": token, "CF-Connecting-IP": ip },
      });
    const startMs = clock.nowMs();
    try {
      clock.advance(9 * 60_000);
      for (const h of held)
        await expectError(
          await extend(h, h.holdToken.split(".")[0] ?? ""),
          404,
          "NOT_FOUND",
          "holdId:",
        );
      // Past the holds' first expiry: they ended with their places, so exactly 4 new ones fit.
      clock.advance(2 * 60_000);
      await own.slots(); // the offer read 11 minutes ago still counts, but is refreshed as pages do
      for (const start of starts.slice(5, 9)) expect((await holdAt(start)).status).toBe(201);
      await expectError(await holdAt(starts[9] as string), 429, "HOLD_LIMIT", "body.clientId:");
      // Their whole tokens would hold them again (an expired hold's extend answers as booking
      // would), but that is a new hold: the limit counts it, so none is granted.
      for (const h of held)
        await expectError(await extend(h, h.holdToken), 429, "HOLD_LIMIT", "holdId:");
    } finally {
      clock.current = startMs;
    }
  });

  it("a hold extended with its whole token keeps its place past its first expiry", async () => {
    const own = await liveFixture(api, { durationMin: 15, bufferAfterMin: 0 });
    const starts = (await own.slots()).map((s) => s.start);
    const me = uniqueId("client_");
    const ip = "203.0.113.31";
    const holdAt = (start: string) =>
      api.request("/v1/holds", {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
        body: JSON.stringify({
          clientId: me,
          serviceId: own.serviceId,
          staffId: own.staffId,
          start,
        }),
      });
    const held: { holdId: string; holdToken: string }[] = [];
    for (const start of starts.slice(0, 4)) {
      const res = await holdAt(start);
      expect(res.status).toBe(201);
      held.push((await res.json()) as { holdId: string; holdToken: string });
    }
    const startMs = clock.nowMs();
    try {
      clock.advance(9 * 60_000);
      for (const h of held) {
        const res = await api.request(`/v1/holds/${h.holdId}`, {
          method: "PATCH",
          headers: { "X-Hold-Token": h.holdToken, "CF-Connecting-IP": ip },
        });
        expect(res.status).toBe(200);
      }
      clock.advance(2 * 60_000);
      await own.slots();
      const fifth = await holdAt(starts[4] as string);
      await expectError(fifth, 429, "HOLD_LIMIT", "body.clientId:");
      // Retry-After: the earliest of the extended holds ends 19 minutes after it was made.
      expect(Number(fifth.headers.get("Retry-After"))).toBe(8 * 60);
    } finally {
      clock.current = startMs;
    }
  });
});

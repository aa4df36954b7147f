/**
 * Slot squatting (issue 14 item 5): one client holds at most `maxHeldSlotsPerClient` live slots
 * (default 4) and one address at most `maxHeldSlotsPerIp` (default 20, IPv6 grouped by /64);
 * past a limit the hold answers 429 HOLD_LIMIT with Retry-After = the earliest expiry among that
 * holder's holds. Black-box through the API on the real Redis.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/catalog-fixtures.ts";
import { FixedClock } from "../../../test/fakes.ts";
import { uniqueId } from "../../../test/stack-env.ts";

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
});

import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../test/drivers/api.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { insertAppointment } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import { addDays } from "../../domain/time/zoned-time.ts";

const api = testApi();

type Summary = {
  serviceId: string;
  staffId: string | null;
  from: string;
  to: string;
  days: { date: string; free: number; firstFree: string | null }[];
};

async function summary(query: Record<string, string>): Promise<Summary> {
  const res = await api.request(`/v1/availability/summary?${new URLSearchParams(query)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

type Slot = { start: string; staffId: string; state: string };

async function slotsOf(query: Record<string, string>): Promise<{ date: string; slots: Slot[] }[]> {
  const res = await api.request(`/v1/availability?${new URLSearchParams(query)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { days: { date: string; slots: Slot[] }[] }).days;
}

describe("GET /v1/availability/summary on the real stack", () => {
  it("counts a week's free starts per date and names the first, agreeing with availability", async () => {
    const service = await createTestService(api, { durationMin: 60, bufferAfterMin: 15 });
    const staff = await createTestStaff(api, { serviceIds: [service.id] });
    const monday = upcomingMonday();
    // A booking at 09:00 (+15 min buffer) takes every morning start up to 10:00 exclusive.
    const [first] = await slotsOf({
      serviceId: service.id,
      staffId: staff.id,
      from: monday,
      to: monday,
    });
    const offset = first?.slots[0]?.start.slice(-6) ?? "+01:00";
    const bookedAt = Date.parse(`${monday}T09:00:00${offset}`);
    await insertAppointment({
      staffId: staff.id,
      serviceId: service.id,
      startMs: bookedAt,
      endMs: bookedAt + 3_600_000,
      bufferAfterMin: 15,
    });
    const query = {
      serviceId: service.id,
      staffId: staff.id,
      from: monday,
      to: addDays(monday, 6),
    };
    const body = await summary(query);
    expect(body).toMatchObject({ serviceId: service.id, staffId: staff.id, from: monday });
    expect(body.days.map((d) => d.date)).toEqual(
      Array.from({ length: 7 }, (_, i) => addDays(monday, i)),
    );
    // The same answer, counted by hand from the full availability.
    const full = await slotsOf(query);
    const expected = full.map((day) => {
      const free = day.slots.filter((s) => s.state === "available");
      return { date: day.date, free: free.length, firstFree: free[0]?.start ?? null };
    });
    expect(body.days).toEqual(expected);
    // Monday: 20 starts minus the 5 the booking covers (09:00…10:00 overlap 09:00–10:15).
    expect(body.days[0]).toEqual({
      date: monday,
      free: 15,
      firstFree: `${monday}T10:15:00${offset}`,
    });
    // Saturday and Sunday have no working hours.
    expect(body.days.slice(5)).toEqual([
      { date: addDays(monday, 5), free: 0, firstFree: null },
      { date: addDays(monday, 6), free: 0, firstFree: null },
    ]);
  });

  it("counts a start free with two staff members once, and a time held by one as free with the other", async () => {
    const service = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
    const a = await createTestStaff(api, { serviceIds: [service.id] });
    await createTestStaff(api, { serviceIds: [service.id] });
    const monday = upcomingMonday();
    const query = { serviceId: service.id, from: monday, to: monday };
    const before = await summary(query);
    expect(before.staffId).toBeNull();
    expect(before.days[0]?.free).toBe(26); // 09:00–11:30 and 13:00–16:30 every 15 minutes
    const [day] = await slotsOf({ ...query, staffId: a.id });
    const start = day?.slots[0]?.start ?? "";
    const hold = await api.request("/v1/holds", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        clientId: uniqueId("client_"),
        serviceId: service.id,
        staffId: a.id,
        start,
      }),
    });
    expect(hold.status).toBe(201);
    expect((await summary(query)).days[0]?.free).toBe(26);
    const onlyA = await summary({ ...query, staffId: a.id });
    // The 30-minute hold at 09:00 covers 09:00–09:30: the 09:00 and 09:15 starts of A are taken.
    expect(onlyA.days[0]?.free).toBe(24);
    expect(onlyA.days[0]?.firstFree?.slice(11, 16)).toBe("09:30");
  });

  it("reads a whole month for several staff in one SQL and one Redis round trip, in a few KB", async () => {
    const service = await createTestService(api);
    for (let i = 0; i < 3; i++) await createTestStaff(api, { serviceIds: [service.id] });
    const from = upcomingMonday();
    const query = { serviceId: service.id, from, to: addDays(from, 30) };
    await summary({ ...query, to: addDays(from, 29) }); // warms the Lua script cache
    const { result, sql, redis } = await countRoundTrips(() =>
      api.request(`/v1/availability/summary?${new URLSearchParams(query)}`),
    );
    expect(result.status).toBe(200);
    const text = await result.text();
    expect((JSON.parse(text) as Summary).days).toHaveLength(31);
    expect(text.length).toBeLessThan(30_000);
    expect({ sql, redis }).toEqual({ sql: 1, redis: 1 });
  });

  it("serves a burst of 50 identical month views from one computation: one SQL and one Redis round trip", async () => {
    const reader = testApi({ SUMMARY_CACHE_TTL_MS: "60000" }, new FixedClock(Date.now()));
    const service = await createTestService(reader);
    await createTestStaff(reader, { serviceIds: [service.id] });
    const from = upcomingMonday();
    const url = `/v1/availability/summary?serviceId=${service.id}&from=${from}&to=${addDays(from, 30)}`;
    await reader.request(
      `/v1/availability/summary?serviceId=${service.id}&from=${from}&to=${from}`,
    );
    const { result, sql, redis } = await countRoundTrips(() =>
      Promise.all(Array.from({ length: 50 }, () => reader.request(url))),
    );
    expect(result.map((r) => r.status)).toEqual(Array(50).fill(200));
    const bodies = new Set(await Promise.all(result.map((r) => r.text())));
    expect(bodies.size).toBe(1);
    expect({ sql, redis }).toEqual({ sql: 1, redis: 1 });
  });

  it("shows a hold made through the same isolate at once, and one made through another after the TTL", async () => {
    const clock = new FixedClock(Date.now());
    const reader = testApi({ SUMMARY_CACHE_TTL_MS: "5000" }, clock);
    // Another isolate of the same deployment: the same Redis keys.
    const other = testApi({ REDIS_KEY_PREFIX: reader.bindings.REDIS_KEY_PREFIX ?? "" });
    const service = await createTestService(reader, { durationMin: 30, bufferAfterMin: 0 });
    const staff = await createTestStaff(reader, { serviceIds: [service.id] });
    const monday = upcomingMonday();
    const query = { serviceId: service.id, staffId: staff.id, from: monday, to: monday };
    const freeVia = async (api: ReturnType<typeof testApi>) => {
      const res = await api.request(`/v1/availability/summary?${new URLSearchParams(query)}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as Summary).days[0];
    };
    const before = await freeVia(reader);
    const holdVia = async (api: ReturnType<typeof testApi>, start: string) => {
      const res = await api.request("/v1/holds", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          clientId: uniqueId("client_"),
          serviceId: service.id,
          staffId: staff.id,
          start,
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    };
    // Through the reader itself: the next month view shows it (09:00 and 09:15 taken).
    await holdVia(reader, before?.firstFree ?? "");
    const mine = await freeVia(reader);
    expect(mine?.free).toBe((before?.free ?? 0) - 2);
    // Through another isolate: the reader's copy stands until its TTL has passed.
    await freeVia(other); // publishes the other isolate's offers
    await holdVia(other, mine?.firstFree ?? "");
    clock.advance(4_999);
    expect((await freeVia(reader))?.free).toBe(mine?.free);
    clock.advance(1);
    expect((await freeVia(reader))?.free).toBe((mine?.free ?? 0) - 2);
  });

  it.each([
    ["a missing serviceId", { from: "2026-12-07", to: "2026-12-07" }, "query.serviceId:"],
    [
      "a bad date",
      { serviceId: "svc_abcdefgh", from: "2026-02-30", to: "2026-03-01" },
      "query.from:",
    ],
    [
      "to before from",
      { serviceId: "svc_abcdefgh", from: "2026-12-08", to: "2026-12-07" },
      "query.to: must not be before from",
    ],
    [
      "32 days",
      { serviceId: "svc_abcdefgh", from: "2026-12-01", to: "2027-01-01" },
      "query.to: at most 31 days",
    ],
    [
      "a clientId (the summary has no caller's view)",
      { serviceId: "svc_abcdefgh", from: "2026-12-01", to: "2026-12-01", clientId: "client_123" },
      "query:",
    ],
  ])("refuses %s with 400 naming the field", async (_label, query, message) => {
    const res = await api.request(
      `/v1/availability/summary?${new URLSearchParams(query as Record<string, string>)}`,
    );
    await expectError(res, 400, "BAD_REQUEST", message);
  });

  it("answers 404 for an unknown service, and for a staff member who does not perform it", async () => {
    const service = await createTestService(api);
    const other = await createTestService(api);
    const staff = await createTestStaff(api, { serviceIds: [other.id] });
    const day = upcomingMonday();
    await expectError(
      await api.request(`/v1/availability/summary?serviceId=svc_unknown00&from=${day}&to=${day}`),
      404,
      "NOT_FOUND",
      "query.serviceId:",
    );
    await expectError(
      await api.request(
        `/v1/availability/summary?serviceId=${service.id}&staffId=${staff.id}&from=${day}&to=${day}`,
      ),
      404,
      "NOT_FOUND",
      "query.staffId:",
    );
  });
});

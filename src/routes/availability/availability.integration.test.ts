import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../test/drivers/api.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { insertAppointment } from "../../../test/stack/db-direct.ts";
import { addDays } from "../../domain/time/zoned-time.ts";

const api = testApi();

type Availability = {
  days: { date: string; slots: { start: string; end: string; staffId: string; state: string }[] }[];
};

async function availability(query: Record<string, string>): Promise<Availability> {
  const res = await api.request(`/v1/availability?${new URLSearchParams(query)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Availability;
}

/** Slot starts of a Mon–Fri 09:00–12:00 / 13:00–17:00 day for a 60-minute service with a 15-minute after-buffer. */
function expectedStarts(date: string, offset: string): string[] {
  const times = [];
  for (let m = 9 * 60; m <= 10 * 60 + 45; m += 15) times.push(m);
  for (let m = 13 * 60; m <= 15 * 60 + 45; m += 15) times.push(m);
  return times.map(
    (m) =>
      `${date}T${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}:00${offset}`,
  );
}

describe("GET /v1/availability on the real stack", () => {
  it("offers exactly the slots that fit working time, in the staff member's zone, and marks a booking", async () => {
    const service = await createTestService(api);
    const staff = await createTestStaff(api, {
      serviceIds: [service.id],
      timeZone: "America/New_York",
    });
    const monday = upcomingMonday();
    const before = await availability({
      serviceId: service.id,
      staffId: staff.id,
      from: monday,
      to: monday,
    });
    const day = before.days[0];
    expect(before.days.map((d) => d.date)).toEqual([monday]);
    const nyOffset = day?.slots[0]?.start.slice(-6) ?? "";
    expect(["-05:00", "-04:00"]).toContain(nyOffset);
    expect(day?.slots.map((s) => s.start)).toEqual(expectedStarts(monday, nyOffset));
    expect(day?.slots.every((s) => s.state === "available" && s.staffId === staff.id)).toBe(true);

    // A 60-minute appointment at 10:00 local (+15 min buffer) covers 10:00–11:15 of occupied time.
    const tenAm = Date.parse(`${monday}T10:00:00${nyOffset}`);
    await insertAppointment({
      staffId: staff.id,
      serviceId: service.id,
      startMs: tenAm,
      endMs: tenAm + 3_600_000,
      bufferAfterMin: 15,
    });
    const after = await availability({
      serviceId: service.id,
      staffId: staff.id,
      from: monday,
      to: monday,
    });
    const booked = after.days[0]?.slots
      .filter((s) => s.state === "booked")
      .map((s) => s.start.slice(11, 16));
    // A slot at s occupies [s, s+75 min); it overlaps [10:00, 11:15) iff 08:45 < s < 11:15: the
    // whole morning (09:00–10:45), while every afternoon slot stays available.
    expect(booked).toEqual([
      "09:00",
      "09:15",
      "09:30",
      "09:45",
      "10:00",
      "10:15",
      "10:30",
      "10:45",
    ]);
    expect(after.days[0]?.slots.filter((s) => s.state === "available")).toHaveLength(12);
  });

  it("reads a whole month in one SQL round trip and one Redis round trip", async () => {
    const service = await createTestService(api);
    await createTestStaff(api, { serviceIds: [service.id] });
    await createTestStaff(api, { serviceIds: [service.id] });
    const from = upcomingMonday();
    const to = addDays(from, 30);
    await availability({ serviceId: service.id, from, to }); // warms the Lua script cache
    const { result, sql, redis } = await countRoundTrips(() =>
      availability({ serviceId: service.id, from, to }),
    );
    expect(result.days).toHaveLength(31);
    expect({ sql, redis }).toEqual({ sql: 1, redis: 1 });
  });

  it("merges every staff member who performs the service when staffId is omitted", async () => {
    const service = await createTestService(api);
    const a = await createTestStaff(api, { serviceIds: [service.id] });
    const b = await createTestStaff(api, { serviceIds: [service.id] });
    const monday = upcomingMonday();
    const result = await availability({ serviceId: service.id, from: monday, to: monday });
    const staffIds = new Set(result.days[0]?.slots.map((s) => s.staffId));
    expect(staffIds).toEqual(new Set([a.id, b.id]));
    expect(result.days[0]?.slots).toHaveLength(40);
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
      "an unknown parameter",
      { serviceId: "svc_abcdefgh", from: "2026-12-01", to: "2026-12-01", colour: "red" },
      "query:",
    ],
    [
      "a clientId in the URL (it travels in the X-Client-Id header)",
      {
        serviceId: "svc_abcdefgh",
        from: "2026-12-01",
        to: "2026-12-01",
        clientId: "c_7f3a9b2e41d8",
      },
      "query:",
    ],
  ])("refuses %s with 400 naming the field", async (_label, query, message) => {
    const res = await api.request(
      `/v1/availability?${new URLSearchParams(query as Record<string, string>)}`,
    );
    await expectError(res, 400, "BAD_REQUEST", message);
  });

  it("answers 404 for an unknown service, and for a staff member who does not perform it", async () => {
    const service = await createTestService(api);
    const other = await createTestService(api);
    const staff = await createTestStaff(api, { serviceIds: [other.id] });
    const day = upcomingMonday();
    await expectError(
      await api.request(`/v1/availability?serviceId=svc_unknown00&from=${day}&to=${day}`),
      404,
      "NOT_FOUND",
      "query.serviceId:",
    );
    await expectError(
      await api.request(
        `/v1/availability?serviceId=${service.id}&staffId=${staff.id}&from=${day}&to=${day}`,
      ),
      404,
      "NOT_FOUND",
      "query.staffId:",
    );
  });
});

describe("GET /v1/availability while Redis is down", () => {
  it("still answers from SQL (no live states) within the Redis timeout, never a 500", async () => {
    const { startUpstashGateway } = await import("../../../scripts/gateways/upstash-gateway.ts");
    const { TEST_STACK } = await import("../../../test/stack/stack-env.ts");
    const hung = await startUpstashGateway({
      port: 0,
      redisUrl: TEST_STACK.redisUrl,
      token: TEST_STACK.upstashToken,
    });
    hung.setFault("hang");
    try {
      const down = testApi({ UPSTASH_REDIS_REST_URL: hung.url, REDIS_TIMEOUT_MS: "200" });
      const service = await createTestService(down);
      await createTestStaff(down, { serviceIds: [service.id] });
      const monday = upcomingMonday();
      const res = await down.request(
        `/v1/availability?serviceId=${service.id}&from=${monday}&to=${monday}`,
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { days: { slots: { state: string }[] }[] };
      expect(body.days[0]?.slots).toHaveLength(20);
    } finally {
      await hung.close();
    }
  });
});

describe("GET /v1/availability with X-Client-Id", () => {
  it("takes the caller's client id from the X-Client-Id header: its own hold shows as mine", async () => {
    const service = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
    const staff = await createTestStaff(api, { serviceIds: [service.id] });
    const day = upcomingMonday();
    const query = new URLSearchParams({
      serviceId: service.id,
      staffId: staff.id,
      from: day,
      to: day,
    });
    const url = `/v1/availability?${query}`;
    const slots = async (headers: Record<string, string>) => {
      const res = await api.request(url, { headers });
      expect(res.status, await res.clone().text()).toBe(200);
      return (
        (
          (await res.json()) as {
            days: { slots: { start: string; state: string; mine?: boolean }[] }[];
          }
        ).days[0]?.slots ?? []
      );
    };
    const start = (await slots({}))[0]?.start ?? "";
    const me = "client_header_me01";
    const held = await api.request("/v1/holds", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ clientId: me, serviceId: service.id, staffId: staff.id, start }),
    });
    expect(held.status, await held.clone().text()).toBe(201);
    expect((await slots({ "X-Client-Id": me })).find((s) => s.start === start)).toMatchObject({
      state: "held",
      mine: true,
    });
    const theirs = (await slots({ "X-Client-Id": "client_header_other" })).find(
      (s) => s.start === start,
    );
    expect(theirs?.state).toBe("held");
    expect(theirs?.mine).toBeUndefined();
  });

  it("refuses a malformed X-Client-Id with 400 naming header.x-client-id", async () => {
    const day = upcomingMonday();
    const res = await api.request(`/v1/availability?serviceId=svc_abcdefgh&from=${day}&to=${day}`, {
      headers: { "X-Client-Id": "x" },
    });
    await expectError(res, 400, "BAD_REQUEST", "header.x-client-id:");
  });

  it("declares the header, and no clientId query parameter, in the OpenAPI document", async () => {
    const doc = (await (await api.request("/openapi.json")).json()) as {
      paths: Record<string, { get: { parameters: { name: string; in: string }[] } }>;
    };
    const params = doc.paths["/v1/availability"]?.get.parameters ?? [];
    expect(params).toContainEqual(expect.objectContaining({ name: "x-client-id", in: "header" }));
    expect(params.filter((p) => p.name === "clientId")).toEqual([]);
  });
});

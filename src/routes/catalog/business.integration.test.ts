/**
 * What a public client learns of the business's policy and time rules without an admin token:
 * GET /v1/business, date-times as JavaScript writes them, and the booking horizon in
 * availability's answer.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, testApi } from "../../../test/drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { TEST_SETTINGS, uniqueId } from "../../../test/stack/stack-env.ts";
import { addDays, formatInstant } from "../../domain/time/zoned-time.ts";

const clock = new FixedClock(Date.now());
const api: Api = testApi({}, clock);
let serviceId: string;
let staffId: string;

type Slot = { start: string; state: string };
type Availability = { horizonEnd: string; days: { date: string; slots: Slot[] }[] };

async function availability(from: string, to: string): Promise<Availability> {
  const query = new URLSearchParams({ serviceId, staffId, from, to });
  const res = await api.request(`/v1/availability?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Availability;
}

beforeAll(async () => {
  ({ id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 }));
  ({ id: staffId } = await createTestStaff(api, { serviceIds: [serviceId] }));
});

describe("GET /v1/business", () => {
  it("tells anyone the name, zone, languages, hold TTL, notice, horizon and cut-offs", async () => {
    const res = await api.request("/v1/business");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: TEST_SETTINGS.businessName,
      timeZone: TEST_SETTINGS.timeZone,
      locales: ["en", "de", "fr", "es"],
      defaultLocale: "en",
      slotIntervalMin: TEST_SETTINGS.slotIntervalMin,
      holdTtlS: TEST_SETTINGS.holdTtlS,
      holdExtensionCapS: TEST_SETTINGS.holdExtensionCapS,
      minNoticeMin: TEST_SETTINGS.minNoticeMin,
      horizonDays: TEST_SETTINGS.horizonDays,
      cancelCutoffMin: TEST_SETTINGS.cancelCutoffMin,
      rescheduleCutoffMin: TEST_SETTINGS.rescheduleCutoffMin,
    });
  });
});

describe("date-times as JavaScript writes them", () => {
  it("holds and books a slot whose start came from toISOString() (…:00.000Z)", async () => {
    const monday = upcomingMonday();
    const slot = (await availability(monday, monday)).days[0]?.slots.find(
      (s) => s.start.slice(11, 16) === "10:00",
    );
    expect(slot?.state).toBe("available");
    const start = new Date(slot?.start ?? "").toISOString();
    expect(start).toMatch(/T\d{2}:00:00\.000Z$/);
    const held = await api.request("/v1/holds", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ clientId: uniqueId("client_"), serviceId, staffId, start }),
    });
    expect(held.status, await held.clone().text()).toBe(201);
    const { holdId, holdToken } = (await held.json()) as { holdId: string; holdToken: string };
    const booked = await api.request("/v1/appointments", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("k") },
      body: JSON.stringify({
        holdId,
        holdToken,
        customer: { name: "Js Date", email: "js@example.test" },
      }),
    });
    expect(booked.status, await booked.clone().text()).toBe(201);
    // The appointment is in the staff member's offset, whatever offset the client wrote.
    const { appointment } = (await booked.json()) as { appointment: { start: string } };
    expect(appointment.start).toBe(slot?.start);
  });
});

describe("the booking horizon in availability", () => {
  it("answers horizonEnd, and no date past it has a slot", async () => {
    const horizonEndMs = clock.nowMs() + TEST_SETTINGS.horizonDays * 86_400_000;
    const horizonEnd = formatInstant(horizonEndMs, TEST_SETTINGS.timeZone);
    const lastDate = horizonEnd.slice(0, 10);
    const answer = await availability(addDays(lastDate, -7), addDays(lastDate, 7));
    expect(answer.horizonEnd).toBe(horizonEnd);
    const slots = answer.days.flatMap((day) => day.slots);
    // Working days before the horizon have slots; none starts at or after it.
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.filter((s) => Date.parse(s.start) >= horizonEndMs)).toEqual([]);
    expect(answer.days.filter((d) => d.date > lastDate).flatMap((d) => d.slots)).toEqual([]);
  });
});

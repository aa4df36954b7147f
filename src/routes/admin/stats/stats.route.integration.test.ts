/**
 * GET /v1/admin/stats after a scripted day on the real stack: every counter is exact, whichever
 * isolate counted it (the counters live in Redis and MySQL, not in the isolate).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../../test/drivers/api.ts";
import { FixedClock } from "../../../../test/fixtures/fakes.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../../test/fixtures/live-fixtures.ts";
import { TEST_SETTINGS, uniqueId } from "../../../../test/stack/stack-env.ts";

const clock = new FixedClock(Date.now());
const api: Api = testApi({}, clock);
let fx: LiveFixture;

type Proof = { holdId: string; holdToken: string };
type Line = Record<string, unknown>;
type Report = {
  from: string;
  to: string;
  staffId: string | null;
  partial: boolean;
  days: Line[];
  total: Line;
};

beforeAll(async () => {
  fx = await liveFixture(api);
});

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Six offered starts that do not overlap (the service lasts 30 minutes). */
async function sixStarts(): Promise<string[]> {
  const starts: string[] = [];
  for (const slot of await fx.slots()) {
    const last = starts.at(-1);
    if (last === undefined || Date.parse(slot.start) - Date.parse(last) >= 1_800_000)
      starts.push(slot.start);
  }
  expect(starts.length).toBeGreaterThanOrEqual(6);
  return starts.slice(0, 6);
}

async function select(start: string): Promise<void> {
  const res = await fx.post("/v1/slots/select", {
    clientId: newClientId(),
    serviceId: fx.serviceId,
    staffId: fx.staffId,
    start,
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function hold(start: string): Promise<Proof> {
  const res = await fx.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: fx.serviceId,
    staffId: fx.staffId,
    start,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as Proof;
  return { holdId, holdToken };
}

async function book(proof: Proof): Promise<string> {
  const res = await api.request("/v1/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("k") },
    body: JSON.stringify({ ...proof, customer: { name: "Funnel", email: "funnel@example.test" } }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { appointment: { id: string } }).appointment.id;
}

async function stats(query: string): Promise<Report> {
  const res = await api.admin("GET", `/v1/admin/stats?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Report;
}

describe("GET /v1/admin/stats", () => {
  it("answers a scripted day's funnel exactly: 10 selections, 5 holds, 3 booked, 1 released, 1 expired", async () => {
    const day = utcDate(clock.nowMs());
    const before = await stats(`from=${day}&to=${day}&staffId=${fx.staffId}`);
    expect(before.total).toMatchObject({ selections: 0, holdsCreated: 0 });

    const [viewed, ...held] = (await sixStarts()) as [string, ...string[]];
    for (let i = 0; i < 10; i++) await select(viewed);
    const holds = [];
    for (const start of held) holds.push(await hold(start));
    const [a, b, c, released, left] = holds as [Proof, Proof, Proof, Proof, Proof];
    const booked = [await book(a), await book(b), await book(c)];
    const release = await api.request(`/v1/holds/${released.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": released.holdToken },
    });
    expect(release.status).toBe(204);
    // One cancellation, by the admin: the booking store's own count.
    const cancel = await api.admin("POST", `/v1/admin/appointments/${booked[0]}/cancel`);
    expect(cancel.status, await cancel.clone().text()).toBe(200);
    expect(left.holdId).toMatch(/^hld_/);

    // Past the hold's TTL and the booked entries' (the offer TTL, 15 minutes): the whole day's
    // expiry bucket is due, and the next call on the staff member's live state sweeps it.
    clock.advance(Math.max(TEST_SETTINGS.holdTtlS * 1000, 900_000) + 60_000);
    expect((await fx.slots()).length).toBeGreaterThan(0);

    const to = utcDate(clock.nowMs() + 86_400_000);
    const report = await stats(`from=${day}&to=${to}&staffId=${fx.staffId}`);
    expect(report.staffId).toBe(fx.staffId);
    expect(report.partial).toBe(false);
    expect(report.days.map((d) => d.date)).toEqual(
      to === day
        ? [day]
        : [day, utcDate(Date.parse(`${day}T00:00:00Z`) + 86_400_000), to].filter(
            (d, i, all) => all.indexOf(d) === i,
          ),
    );
    const { slowCalls: _slow, ...total } = report.total;
    expect(total).toEqual({
      selections: 10,
      holdsCreated: 5,
      holdsBooked: 3,
      holdsReleased: 1,
      holdsExpired: 1,
      bookings: 3,
      cancellations: 1,
      reschedules: 0,
      holdToBookingRate: 0.6,
      selectionToHoldRate: 0.5,
    });
    // The counts of the day the events happened on.
    expect(report.days[0]).toMatchObject({ date: day, selections: 10, holdsCreated: 5 });
  });

  it("answers null rates and zero counts for a staff member with no activity", async () => {
    const report = await stats(`from=2026-01-01&to=2026-01-02&staffId=${uniqueId("stf_")}`);
    expect(report.days).toHaveLength(2);
    expect(report.total).toEqual({
      selections: 0,
      holdsCreated: 0,
      holdsBooked: 0,
      holdsReleased: 0,
      holdsExpired: 0,
      bookings: 0,
      cancellations: 0,
      reschedules: 0,
      holdToBookingRate: null,
      selectionToHoldRate: null,
      slowCalls: {},
    });
  });

  it.each([
    ["no from", "to=2026-01-02", "query.from:"],
    ["no to", "from=2026-01-02", "query.to:"],
    ["a bad from", "from=2026-13-01&to=2026-01-02", "query.from:"],
    ["to before from", "from=2026-01-05&to=2026-01-04", "query.to: must not be before from"],
    ["a range over 31 days", "from=2026-01-01&to=2026-02-01", "query.to: must be at most 31 days"],
    ["a bad staffId", "from=2026-01-01&to=2026-01-02&staffId=not%20an%20id", "query.staffId:"],
    ["an unknown parameter", "from=2026-01-01&to=2026-01-02&x=1", "query"],
  ])("refuses %s with 400 naming the field", async (_label, query, message) => {
    await expectError(
      await api.admin("GET", `/v1/admin/stats?${query}`),
      400,
      "BAD_REQUEST",
      message,
    );
  });

  it("accepts exactly 31 days", async () => {
    const report = await stats(`from=2026-01-01&to=2026-01-31&staffId=${fx.staffId}`);
    expect(report.days).toHaveLength(31);
  });

  it("answers 401 without the admin token", async () => {
    await expectError(
      await api.request("/v1/admin/stats?from=2026-01-01&to=2026-01-02"),
      401,
      "UNAUTHORIZED",
    );
  });
});

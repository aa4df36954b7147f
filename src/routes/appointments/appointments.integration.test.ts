import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/drivers/api.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import {
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { directRedis, liveStateKeys } from "../../../test/stack/redis-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

type Hold = { holdId: string; holdToken: string };
type Booked = {
  appointment: { id: string; start: string; status: string };
  appointments: { id: string }[];
  manageToken: string;
};

const clock = new FixedClock(Date.now());
const api: Api = testApi({}, clock);
const redis = directRedis();
let live: LiveFixture;

const customer = { name: "Mia Weber", email: "mia@example.com" };
const json = (headers: Record<string, string> = {}) => ({
  "Content-Type": "application/json",
  ...headers,
});

async function hold(start: string, target: LiveFixture = live): Promise<Hold> {
  await target.slots();
  const res = await target.post("/v1/holds", {
    clientId: newClientId(),
    serviceId: target.serviceId,
    staffId: target.staffId,
    start,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { holdId, holdToken } = (await res.json()) as Hold;
  return { holdId, holdToken };
}

function book(h: Hold, key = uniqueId("idem-"), body: Record<string, unknown> = {}) {
  return api.request("/v1/appointments", {
    method: "POST",
    headers: json({ "Idempotency-Key": key }),
    body: JSON.stringify({ ...h, customer, ...body }),
  });
}

/** Forgets every hold and offer of the staff member, as a Redis restart would. */
async function loseRedis(target: LiveFixture): Promise<void> {
  await redis.del(
    ...liveStateKeys(api.bindings.REDIS_KEY_PREFIX ?? "", target.staffId, target.serviceId),
  );
}

async function confirmedCount(staffId: string): Promise<number> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT COUNT(*) AS n FROM appointments WHERE staff_id = ? AND status = 'confirmed'",
      [staffId],
    );
    return Number((rows as { n: number }[])[0]?.n);
  });
}

beforeAll(async () => {
  live = await liveFixture(api);
});

describe("POST /v1/appointments on the real stack", () => {
  it("books a held slot: 201 with the appointment and a manage token, in one Redis round trip and one SQL transaction", async () => {
    // Warm the script cache: the first call of a script on a fresh Redis costs EVALSHA + EVAL.
    expect((await book(await hold(await live.start("12:00".replace("12", "13"))))).status).toBe(
      201,
    );
    const start = await live.start("09:00");
    const h = await hold(start);
    const { result, redis: redisTrips, sqlStatements } = await countRoundTrips(() => book(h));
    expect(result.status).toBe(201);
    const body = (await result.json()) as Booked;
    expect(body.appointment).toMatchObject({
      start,
      status: "confirmed",
      customer: { ...customer, phone: null },
    });
    expect(body.manageToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(redisTrips).toBe(1);
    expect(sqlStatements[0]).toBe("BEGIN");
    expect(sqlStatements.at(-1)).toBe("COMMIT");
    expect(sqlStatements.filter((s) => s === "BEGIN")).toHaveLength(1);
    expect(sqlStatements.length).toBeLessThanOrEqual(10);
    const slot = (await live.slots()).find((s) => s.start === start);
    expect(slot?.state).toBe("booked");
  });

  it("replays the same Idempotency-Key and body with the identical 201 and creates nothing; another body is 409", async () => {
    const h = await hold(await live.start("10:00"));
    const key = uniqueId("idem-");
    const first = await book(h, key);
    expect(first.status).toBe(201);
    const firstBody = await first.json();
    const before = await confirmedCount(live.staffId);
    const again = await book(h, key);
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(firstBody);
    expect(await confirmedCount(live.staffId)).toBe(before);
    await expectError(
      await book(h, key, { notes: "changed" }),
      409,
      "IDEMPOTENCY_CONFLICT",
      "header.idempotency-key:",
    );
    // After the Redis claim lapses (60 s), MySQL's record still answers the replay.
    const claim = createHash("sha256").update(`idempotency:${h.holdId}:${key}`).digest("hex");
    await redis.del(`${api.bindings.REDIS_KEY_PREFIX}idem:${claim}`);
    const late = await book(h, key);
    expect(late.status).toBe(201);
    expect(await late.json()).toEqual(firstBody);
    await expectError(await book(h, key, { notes: "changed again" }), 409, "IDEMPOTENCY_CONFLICT");
  });

  it("of 200 concurrent bookings for 20 slots exactly 20 succeed (holds lost with Redis; the signed cells still stop the rest)", async () => {
    const target = await liveFixture(api, { durationMin: 15, bufferAfterMin: 0 });
    const starts = (await target.slots()).slice(0, 20).map((s) => s.start);
    expect(starts).toHaveLength(20);
    const holds: Hold[] = [];
    for (let round = 0; round < 10; round++) {
      for (const start of starts) holds.push(await hold(start, target));
      clock.advance(11 * 60_000); // this round's holds expire; the next round holds the same slots
    }
    await loseRedis(target);
    const responses = await Promise.all(holds.map((h) => book(h)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.filter((s) => s === 410)).toHaveLength(180);
    expect(await confirmedCount(target.staffId)).toBe(20);
  }, 60_000);

  it("concurrent bookings of overlapping slots with different durations never both succeed", async () => {
    const target = await liveFixture(api, { durationMin: 60, bufferAfterMin: 15 });
    const short = await liveFixture(api, { durationMin: 30 });
    // The same staff member performs both services.
    await api.admin("PATCH", `/v1/admin/staff/${short.staffId}`, { active: false });
    const staff = await api.admin("PATCH", `/v1/admin/staff/${target.staffId}`, {
      serviceIds: [target.serviceId, short.serviceId],
    });
    expect(staff.status).toBe(200);
    const shortHere: LiveFixture = {
      ...short,
      staffId: target.staffId,
      slots: async () => {
        const res = await api.request(
          `/v1/availability?serviceId=${short.serviceId}&staffId=${target.staffId}&from=${target.date}&to=${target.date}`,
        );
        return (
          (
            (await res.json()) as {
              days: { slots: { start: string; end: string; staffId: string; state: string }[] }[];
            }
          ).days[0]?.slots ?? []
        );
      },
    };
    const long = await hold(await target.start("14:00"), target);
    clock.advance(11 * 60_000);
    const shortStart =
      (await shortHere.slots()).find((s) => s.start.slice(11, 16) === "15:00")?.start ?? "";
    const other = await hold(shortStart, shortHere); // 15:00 lies in the long slot's after-buffer (15:00–15:15)
    await loseRedis(target);
    const statuses = (await Promise.all([book(long), book(other)])).map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(await confirmedCount(target.staffId)).toBe(1);
  });

  it("a booking whose transaction fails writes no row and keeps the hold", async () => {
    const start = await live.start("11:00");
    const h2 = await hold(start);
    // The time gets booked behind Redis's back (as through the fallback store during an outage):
    // MySQL has the cells, Redis still shows only our hold.
    const startMs = Date.parse(start);
    const other = uniqueId("apt_");
    await withDb(async (conn) => {
      await conn.query(
        `INSERT INTO appointments (id, staff_id, service_id, customer_id, status, start_at, end_at, occupied_start, occupied_end, customer_name, customer_email, customer_phone, notes, manage_token_hash, rescheduled_from, created_at, updated_at, cancelled_at)
         VALUES (?, ?, ?, 'cus_x', 'confirmed', FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?), 'X', 'x@example.test', NULL, '', REPEAT('0', 64), NULL, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), NULL)`,
        [
          other,
          live.staffId,
          live.serviceId,
          startMs / 1000,
          startMs / 1000 + 1800,
          startMs / 1000,
          startMs / 1000 + 1800,
        ],
      );
      for (let cell = 0; cell < 6; cell++) {
        await conn.query(
          "INSERT INTO appointment_cells (staff_id, cell_start, appointment_id) VALUES (?, FROM_UNIXTIME(?), ?)",
          [live.staffId, startMs / 1000 + cell * 300, other],
        );
      }
    });
    const count = await confirmedCount(live.staffId);
    const res = await book(h2);
    await expectError(res.clone(), 409, "SLOT_UNAVAILABLE");
    const details = ((await res.json()) as { error: { details: { nearby: string[] } } }).error
      .details;
    expect(details.nearby.length).toBeLessThanOrEqual(3);
    expect(await confirmedCount(live.staffId)).toBe(count);
    const extended = await api.request(`/v1/holds/${h2.holdId}`, {
      method: "PATCH",
      headers: { "X-Hold-Token": h2.holdToken },
    });
    expect(extended.status).toBe(200);
  });
});

describe("hold tokens expire", () => {
  it("a token past its hold's cap books nothing: 410 HOLD_EXPIRED, and no appointment", async () => {
    const own = await liveFixture(api);
    const h = await hold(await own.start("10:00"), own);
    const createdMs = clock.nowMs();
    clock.current = createdMs + 1800_000 + 1; // the test settings' extension cap is 1800 s
    try {
      await expectError(await book(h), 410, "HOLD_EXPIRED", "holdId:");
    } finally {
      clock.current = createdMs;
    }
    expect(await confirmedCount(own.staffId)).toBe(0);
  });

  it("a released hold's token books nothing: 410 HOLD_EXPIRED, even while the time is free", async () => {
    const own = await liveFixture(api);
    const h = await hold(await own.start("11:00"), own);
    const released = await api.request(`/v1/holds/${h.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": h.holdToken },
    });
    expect(released.status).toBe(204);
    await expectError(await book(h), 410, "HOLD_EXPIRED", "holdId:");
    expect(await confirmedCount(own.staffId)).toBe(0);
  });

  it("rescheduling onto a released hold answers 410 HOLD_EXPIRED and moves nothing", async () => {
    const own = await liveFixture(api);
    const booked = (await (await book(await hold(await own.start("14:00"), own))).json()) as Booked;
    const h = await hold(await own.start("15:00"), own);
    const released = await api.request(`/v1/holds/${h.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": h.holdToken },
    });
    expect(released.status).toBe(204);
    const moved = await api.request(`/v1/appointments/${booked.appointment.id}/reschedule`, {
      method: "POST",
      headers: json({ "X-Manage-Token": booked.manageToken }),
      body: JSON.stringify(h),
    });
    await expectError(moved, 410, "HOLD_EXPIRED", "holdId:");
    expect(await confirmedCount(own.staffId)).toBe(1);
  });
});

describe("manage routes", () => {
  it("read, cancel and reschedule with the manage token; anyone else gets 404", async () => {
    const booked = (await (await book(await hold(await live.start("16:00")))).json()) as Booked;
    const other = (await (await book(await hold(await live.start("16:30")))).json()) as Booked;
    const id = booked.appointment.id;
    const manage = (path: string, token: string, method = "GET", body?: unknown) =>
      api.request(path, {
        method,
        headers: json({ "X-Manage-Token": token }),
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await manage(`/v1/appointments/${id}`, booked.manageToken)).status).toBe(200);
    await expectError(
      await manage(`/v1/appointments/${id}`, other.manageToken),
      404,
      "NOT_FOUND",
      "id:",
    );
    await expectError(await manage(`/v1/appointments/${id}`, "x".repeat(43)), 404, "NOT_FOUND");
    await expectError(
      await manage("/v1/appointments/apt_doesnotexist", booked.manageToken),
      404,
      "NOT_FOUND",
    );

    const newHold = await hold(await live.start("15:00"));
    const moved = await manage(
      `/v1/appointments/${id}/reschedule`,
      booked.manageToken,
      "POST",
      newHold,
    );
    expect(moved.status).toBe(200);
    const movedBody = (await moved.json()) as {
      appointment: { id: string; rescheduledFrom: string };
    };
    expect(movedBody.appointment.rescheduledFrom).toBe(id);
    const old = (await (await manage(`/v1/appointments/${id}`, booked.manageToken)).json()) as {
      appointment: { status: string };
    };
    expect(old.appointment.status).toBe("cancelled");

    const newId = movedBody.appointment.id;
    const cancelled = await manage(`/v1/appointments/${newId}/cancel`, booked.manageToken, "POST");
    expect(cancelled.status).toBe(200);
    expect(
      ((await cancelled.json()) as { appointment: { status: string } }).appointment.status,
    ).toBe("cancelled");
    await expectError(
      await manage(`/v1/appointments/${newId}/cancel`, booked.manageToken, "POST"),
      409,
      "CONFLICT",
    );
    expect((await live.slots()).find((s) => s.start.includes("T15:00"))?.state).toBe("available");
  });

  it("concurrent reschedules into the same time never both succeed", async () => {
    const target = await liveFixture(api);
    const a = (await (
      await book(await hold(await target.start("09:00"), target))
    ).json()) as Booked;
    const b = (await (
      await book(await hold(await target.start("10:00"), target))
    ).json()) as Booked;
    const first = await hold(await target.start("13:00"), target);
    clock.advance(11 * 60_000);
    const second = await hold(await target.start("13:00"), target);
    await loseRedis(target);
    const move = (apt: Booked, h: Hold) =>
      api.request(`/v1/appointments/${apt.appointment.id}/reschedule`, {
        method: "POST",
        headers: json({ "X-Manage-Token": apt.manageToken }),
        body: JSON.stringify(h),
      });
    const statuses = (await Promise.all([move(a, first), move(b, second)]))
      .map((r) => r.status)
      .sort();
    expect(statuses).toEqual([200, 409]);
    expect(await confirmedCount(target.staffId)).toBe(2);
  });
});

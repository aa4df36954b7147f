/**
 * Moving a recurring series (`POST /v1/appointments/{id}/reschedule?scope=`) against the real
 * stores: the occurrences in scope move onto a series hold's times in order, in one transaction,
 * all or none. The clock stands a week before 2027-03-15, a Monday; Europe/Berlin moves from
 * +01:00 to +02:00 on 2027-03-28, and 10:00 stays 10:00.
 */
import { describe, expect, it } from "vitest";
import { type Api, testApi } from "../../../test/drivers/api.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import { createTestService, createTestStaff } from "../../../test/fixtures/catalog-fixtures.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { directRedis, liveStateKeys } from "../../../test/stack/redis-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const NOW = Date.parse("2027-03-08T12:00:00Z");
const FIRST = "2027-03-15T09:00:00+01:00";

type Hold = { holdId: string; holdToken: string; slots: { start: string }[] };
type Appointment = {
  id: string;
  start: string;
  status: string;
  seriesId: string | null;
  rescheduledFrom: string | null;
  customer: { email: string };
};
type Booked = { appointment: Appointment; appointments: Appointment[]; manageToken: string };
type Moved = { appointment: Appointment; appointments: Appointment[]; replaced: Appointment[] };
type Ids = { serviceId: string; staffId: string };

function post(api: Api, path: string, body: unknown, headers: Record<string, string> = {}) {
  return api.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** A Europe/Berlin staff member working Mondays 09:00–12:00, a 30-minute service. */
async function berlinMondays(api: Api): Promise<Ids> {
  const { id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
  const { id: staffId } = await createTestStaff(api, {
    serviceIds: [serviceId],
    timeZone: "Europe/Berlin",
    weekly: { monday: [{ start: "09:00", end: "12:00" }] },
  });
  return { serviceId, staffId };
}

/** A weekly series hold of `count` times from `start`. */
async function holdWeekly(api: Api, ids: Ids, start: string, count: number): Promise<Hold> {
  const res = await post(api, "/v1/holds", {
    clientId: uniqueId("client_"),
    ...ids,
    start,
    ...(count > 1 ? { repeat: { everyWeeks: 1, count } } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Hold;
}

async function bookWeekly(api: Api, ids: Ids, start: string, count: number): Promise<Booked> {
  const hold = await holdWeekly(api, ids, start, count);
  const res = await post(
    api,
    "/v1/appointments",
    {
      holdId: hold.holdId,
      holdToken: hold.holdToken,
      customer: { name: "Mia Weber", email: `${uniqueId("mia")}@example.test` },
    },
    { "Idempotency-Key": uniqueId("key_") },
  );
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Booked;
}

function move(api: Api, booked: Booked, index: number, hold: Hold, scope?: string) {
  const id = booked.appointments[index]?.id ?? "";
  return post(
    api,
    `/v1/appointments/${id}/reschedule${scope ? `?scope=${scope}` : ""}`,
    { holdId: hold.holdId, holdToken: hold.holdToken },
    { "X-Manage-Token": booked.manageToken },
  );
}

async function statuses(booked: Booked): Promise<string[]> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      `SELECT id, status FROM appointments WHERE id IN (${booked.appointments.map(() => "?").join(", ")})`,
      booked.appointments.map((a) => a.id),
    );
    const byId = new Map((rows as { id: string; status: string }[]).map((r) => [r.id, r.status]));
    return booked.appointments.map((a) => byId.get(a.id) ?? "missing");
  });
}

async function emailsTo(email: string) {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT kind, attachments FROM outbox_emails WHERE to_email = ? ORDER BY created_at, id",
      [email],
    );
    return rows as { kind: string; attachments: string }[];
  });
}

describe("moving a recurring series", () => {
  it("following moves it and the later occurrences onto the hold's times in order: one email, one transaction", async () => {
    const clock = new FixedClock(NOW);
    const api = testApi({}, clock);
    const ids = await berlinMondays(api);
    const booked = await bookWeekly(api, ids, FIRST, 4);
    // The move's email is written a second later: the emails' order is their time's, not a tie's.
    clock.advance(1_000);
    const hold = await holdWeekly(api, ids, "2027-03-22T10:00:00+01:00", 3);
    const { result, sqlStatements, redis } = await countRoundTrips(() =>
      move(api, booked, 1, hold, "following"),
    );
    expect(result.status, await result.clone().text()).toBe(200);
    const body = (await result.json()) as Moved;
    expect(body.appointments.map((a) => a.start)).toEqual([
      "2027-03-22T10:00:00+01:00",
      "2027-03-29T10:00:00+02:00",
      "2027-04-05T10:00:00+02:00",
    ]);
    // Each new appointment names the occurrence it replaces, and stays in the series.
    const old = booked.appointments.slice(1).map((a) => a.id);
    expect(body.appointments.map((a) => a.rescheduledFrom)).toEqual(old);
    expect(body.replaced.map((a) => [a.id, a.status])).toEqual(old.map((id) => [id, "cancelled"]));
    expect(new Set(body.appointments.map((a) => a.seriesId))).toEqual(
      new Set([booked.appointment.seriesId]),
    );
    expect(await statuses(booked)).toEqual(["confirmed", "cancelled", "cancelled", "cancelled"]);
    // Two Redis round trips (the booking's, then clearing the moved occurrences' live entries)
    // and one transaction of 9 statements, nothing before or after it.
    expect(redis).toBe(2);
    expect(sqlStatements[0]).toBe("BEGIN");
    expect(sqlStatements.at(-1)).toBe("COMMIT");
    expect(sqlStatements).toHaveLength(9);
    // One email lists the moved occurrences (its calendar file updates each event).
    const emails = await emailsTo(booked.appointment.customer.email);
    expect(emails.map((e) => e.kind)).toEqual(["confirmation", "reschedule"]);
    expect(emails[1]?.attachments.match(/BEGIN:VEVENT/g)).toHaveLength(3);
  });

  it("all moves 12 occurrences in one transaction of 9 statements, each keeping 10:00 local across the DST change", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    const booked = await bookWeekly(api, ids, FIRST, 12);
    const hold = await holdWeekly(api, ids, "2027-03-15T10:00:00+01:00", 12);
    const { result, sqlStatements } = await countRoundTrips(() =>
      move(api, booked, 5, hold, "all"),
    );
    expect(result.status, await result.clone().text()).toBe(200);
    const body = (await result.json()) as Moved;
    expect(body.appointments).toHaveLength(12);
    expect(body.appointments.map((a) => a.start.slice(10))).toEqual([
      "T10:00:00+01:00",
      "T10:00:00+01:00",
      ...Array.from({ length: 10 }, () => "T10:00:00+02:00"),
    ]);
    expect(body.appointments.map((a) => a.rescheduledFrom)).toEqual(
      booked.appointments.map((a) => a.id),
    );
    expect(body.appointment.rescheduledFrom).toBe(booked.appointments[0]?.id);
    expect(sqlStatements[0]).toBe("BEGIN");
    expect(sqlStatements).toHaveLength(9);
    expect((await statuses(booked)).every((s) => s === "cancelled")).toBe(true);
  });

  it("one (the default) moves that occurrence only, which keeps its series", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    const booked = await bookWeekly(api, ids, FIRST, 3);
    const hold = await holdWeekly(api, ids, "2027-03-22T11:00:00+01:00", 1);
    const res = await move(api, booked, 1, hold);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as Moved;
    expect(body.appointments.map((a) => [a.start, a.seriesId])).toEqual([
      ["2027-03-22T11:00:00+01:00", booked.appointment.seriesId],
    ]);
    expect(await statuses(booked)).toEqual(["confirmed", "cancelled", "confirmed"]);
  });

  it("a hold with another count than the occurrences in scope is 400 naming holdId, and changes nothing", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    const booked = await bookWeekly(api, ids, FIRST, 4);
    const hold = await holdWeekly(api, ids, "2027-03-29T10:00:00+02:00", 2);
    // Following from the second: three occurrences, two times.
    const res = await move(api, booked, 1, hold, "following");
    expect(res.status, await res.clone().text()).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe(
      "holdId: scope following moves 3 occurrence(s), but the hold has 2 time(s): hold one time per occurrence",
    );
    expect(await statuses(booked)).toEqual(["confirmed", "confirmed", "confirmed", "confirmed"]);
    // The hold is intact: following from the third takes exactly its two times.
    const again = await move(api, booked, 2, hold, "following");
    expect(again.status, await again.clone().text()).toBe(200);
    expect(await statuses(booked)).toEqual(["confirmed", "confirmed", "cancelled", "cancelled"]);
  });

  it("one occurrence inside the reschedule cut-off refuses the whole move (409 CUTOFF_PASSED)", async () => {
    const clock = new FixedClock(NOW);
    const api = testApi({}, clock);
    const ids = await berlinMondays(api);
    const booked = await bookWeekly(api, ids, FIRST, 4);
    // One hour before the first occurrence: inside the 2-hour reschedule cut-off.
    clock.current = Date.parse(FIRST) - 60 * 60_000;
    const hold = await holdWeekly(api, ids, "2027-03-22T10:00:00+01:00", 4);
    const res = await move(api, booked, 2, hold, "all");
    expect(res.status, await res.clone().text()).toBe(409);
    const { error } = (await res.json()) as {
      error: { code: string; details: { cutoffAt: string } };
    };
    expect(error.code).toBe("CUTOFF_PASSED");
    expect(error.details.cutoffAt).toBe("2027-03-15T07:00:00+01:00");
    expect(await statuses(booked)).toEqual(["confirmed", "confirmed", "confirmed", "confirmed"]);
    // Following from the second is outside it for each occurrence: it moves.
    const rest = await holdWeekly(api, ids, "2027-03-22T11:00:00+01:00", 3);
    const moved = await move(api, booked, 1, rest, "following");
    expect(moved.status, await moved.clone().text()).toBe(200);
  });

  it("an unknown scope is 400 naming it", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    const booked = await bookWeekly(api, ids, FIRST, 2);
    const hold = await holdWeekly(api, ids, "2027-03-15T10:00:00+01:00", 2);
    const res = await move(api, booked, 0, hold, "every");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      "query.scope",
    );
  });

  it("two series moves onto overlapping times: exactly one moves all its occurrences, the other none", async () => {
    const clock = new FixedClock(NOW);
    const api = testApi({}, clock);
    const redis = directRedis();
    try {
      for (let round = 0; round < 5; round++) {
        const ids = await berlinMondays(api);
        const a = await bookWeekly(api, ids, FIRST, 2);
        const b = await bookWeekly(api, ids, "2027-03-15T11:00:00+01:00", 2);
        // a's hold of 10:00 lapses, b holds 10:15 over it; then the live state is lost, so both
        // reach the booking store, where the cells decide.
        const forA = await holdWeekly(api, ids, "2027-03-15T10:00:00+01:00", 2);
        clock.advance(11 * 60_000);
        const forB = await holdWeekly(api, ids, "2027-03-15T10:15:00+01:00", 2);
        await redis.del(
          ...liveStateKeys(api.bindings.REDIS_KEY_PREFIX ?? "", ids.staffId, ids.serviceId),
        );
        const [ra, rb] = await Promise.all([
          move(api, a, 0, forA, "all"),
          move(api, b, 0, forB, "all"),
        ]);
        expect([ra.status, rb.status].sort(), `round ${round}`).toEqual([200, 409]);
        const [winner, loser] = ra.status === 200 ? [a, b] : [b, a];
        expect(await statuses(winner), `round ${round}`).toEqual(["cancelled", "cancelled"]);
        expect(await statuses(loser), `round ${round}`).toEqual(["confirmed", "confirmed"]);
        const confirmed = await withDb(async (conn) => {
          const [rows] = await conn.query(
            "SELECT COUNT(*) AS n FROM appointments WHERE staff_id = ? AND status = 'confirmed'",
            [ids.staffId],
          );
          return Number((rows as { n: number }[])[0]?.n);
        });
        expect(confirmed, `round ${round}`).toBe(4);
        clock.current = NOW;
      }
    } finally {
      await redis.quit();
    }
  }, 120_000);
});

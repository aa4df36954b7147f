/**
 * Recurring series: found (`GET /v1/availability/series`), held all or nothing (`repeat`, or the
 * slots listed), against the real stores. The clock stands a week before 2027-03-15, a Monday;
 * Europe/Berlin moves from +01:00 to +02:00 on 2027-03-28, and 09:00 stays 09:00.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Api } from "../../../test/drivers/api.ts";
import { testApi } from "../../../test/drivers/api.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import { createTestService, createTestStaff } from "../../../test/fixtures/catalog-fixtures.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import {
  type FaultGateways,
  isolateOver,
  startFaultGateways,
} from "../../../test/stack/fault-gateways.ts";
import { directRedis } from "../../../test/stack/redis-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const NOW = Date.parse("2027-03-08T12:00:00Z");
const FIRST = "2027-03-15T09:00:00+01:00";
const redis = directRedis();
afterAll(() => redis.quit());

type Occurrence = {
  date: string;
  start: string;
  end: string | null;
  free: boolean;
  state: string;
  alternatives: { start: string; end: string }[];
};
type Caller = Pick<Api, "request" | "admin">;
type Hold = { holdId: string; holdToken: string; slots: { start: string; end: string }[] };
type Appointment = {
  id: string;
  start: string;
  status: string;
  seriesId: string | null;
  serviceId: string;
  staffId: string;
  customer?: { email: string };
};
type Booked = { appointment: Appointment; appointments: Appointment[]; manageToken: string };

function book(api: Caller, hold: Hold, email: string) {
  return post(
    api,
    "/v1/appointments",
    {
      holdId: hold.holdId,
      holdToken: hold.holdToken,
      customer: { name: "Mia Weber", email },
    },
    { "Idempotency-Key": uniqueId("key_") },
  );
}

async function holdSeries(api: Caller, ids: { serviceId: string; staffId: string }, count: number) {
  const res = await post(api, "/v1/holds", {
    clientId: uniqueId("client_"),
    ...ids,
    start: FIRST,
    repeat: { everyWeeks: 1, count },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Hold;
}

function post(api: Caller, path: string, body: unknown, headers: Record<string, string> = {}) {
  return api.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** A Europe/Berlin staff member working Mondays 09:00–12:00, a 30-minute service. */
async function berlinMondays(caller: Caller) {
  const api = { bindings: {}, request: caller.request, admin: caller.admin };
  const { id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
  const { id: staffId } = await createTestStaff(api, {
    serviceIds: [serviceId],
    timeZone: "Europe/Berlin",
    weekly: { monday: [{ start: "09:00", end: "12:00" }] },
  });
  return { serviceId, staffId };
}

async function series(
  api: Caller,
  ids: { serviceId: string; staffId: string },
  query: Record<string, string>,
) {
  const res = await api.request(
    `/v1/availability/series?${new URLSearchParams({ ...ids, start: FIRST, everyWeeks: "1", ...query })}`,
  );
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { occurrences: Occurrence[] }).occurrences;
}

const WEEKLY_4 = [
  "2027-03-15T09:00:00+01:00",
  "2027-03-22T09:00:00+01:00",
  "2027-03-29T09:00:00+02:00",
  "2027-04-05T09:00:00+02:00",
];

describe("a recurring series", () => {
  it("keeps its local time across the daylight-saving change, in one SQL and one Redis round trip", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    const {
      result,
      sql,
      redis: redisTrips,
    } = await countRoundTrips(() => series(api, ids, { count: "4" }));
    expect(result.map((o) => [o.date, o.start, o.end, o.free, o.state])).toEqual([
      ["2027-03-15", WEEKLY_4[0], "2027-03-15T09:30:00+01:00", true, "available"],
      ["2027-03-22", WEEKLY_4[1], "2027-03-22T09:30:00+01:00", true, "available"],
      ["2027-03-29", WEEKLY_4[2], "2027-03-29T09:30:00+02:00", true, "available"],
      ["2027-04-05", WEEKLY_4[3], "2027-04-05T09:30:00+02:00", true, "available"],
    ]);
    expect(result.every((o) => o.alternatives.length === 0)).toBe(true);
    expect({ sql, redis: redisTrips }).toEqual({ sql: 1, redis: 1 });
  });

  it("answers a taken occurrence with the nearest free times of its date", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    // Someone else holds 2027-03-22 09:00 and 09:30.
    await series(api, ids, { count: "2" });
    const other = await post(api, "/v1/holds", {
      clientId: uniqueId("other_"),
      slots: [
        { ...ids, start: "2027-03-22T09:00:00+01:00" },
        { ...ids, start: "2027-03-22T09:30:00+01:00" },
      ],
    });
    expect(other.status, await other.clone().text()).toBe(201);
    const [first, second] = await series(api, ids, { count: "2" });
    expect(first?.free).toBe(true);
    expect(second).toMatchObject({ free: false, state: "held" });
    expect(second?.alternatives.map((a) => a.start)).toEqual([
      "2027-03-22T10:00:00+01:00",
      "2027-03-22T10:15:00+01:00",
      "2027-03-22T10:30:00+01:00",
    ]);
    // Taking an alternative: the slots listed instead of `repeat`.
    const held = await post(api, "/v1/holds", {
      clientId: uniqueId("taker_"),
      slots: [
        { ...ids, start: FIRST },
        { ...ids, start: "2027-03-22T10:00:00+01:00" },
      ],
    });
    expect(held.status, await held.clone().text()).toBe(201);
    const hold = (await held.json()) as Hold;
    expect(hold.holdId).toMatch(/^hld_s/);
  });

  it("is held all or nothing with `repeat`, 12 occurrences counting as one hold, one series per client", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    const clientId = uniqueId("client_");
    const {
      result: res,
      redis: redisTrips,
      sqlStatements,
    } = await countRoundTrips(() =>
      post(api, "/v1/holds", {
        clientId,
        ...ids,
        start: FIRST,
        repeat: { everyWeeks: 1, count: 12 },
      }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    // The series read (one SQL read, one Redis call that publishes the offers), then the hold
    // (one Redis call, and its claim written in the booking store).
    expect({ redis: redisTrips, sql: sqlStatements.length }).toEqual({ redis: 2, sql: 2 });
    const hold = (await res.json()) as Hold;
    expect(hold.slots).toHaveLength(12);
    expect(hold.slots.slice(0, 4).map((s) => s.start)).toEqual(WEEKLY_4);
    expect(hold.slots[11]?.start).toBe("2027-05-31T09:00:00+02:00");
    expect(hold.holdId).toMatch(/^hld_s/);
    // The same client may still hold single slots (the series took one place of 4) …
    const single = await post(api, "/v1/holds", {
      clientId,
      ...ids,
      start: "2027-03-15T11:00:00+01:00",
    });
    expect(single.status, await single.clone().text()).toBe(201);
    // … but not a second series.
    const again = await post(api, "/v1/holds", {
      clientId,
      ...ids,
      start: "2027-03-15T10:00:00+01:00",
      repeat: { everyWeeks: 2, count: 2 },
    });
    expect(again.status, await again.clone().text()).toBe(429);
    const body = (await again.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("HOLD_LIMIT");
    expect(body.error.message).toMatch(/^body\.clientId: this client already holds a series/);
    // Released, the series' place is free again.
    const released = await api.request(`/v1/holds/${hold.holdId}`, {
      method: "DELETE",
      headers: { "X-Hold-Token": hold.holdToken },
    });
    expect(released.status).toBe(204);
    const now = await post(api, "/v1/holds", {
      clientId,
      ...ids,
      start: "2027-03-15T10:00:00+01:00",
      repeat: { everyWeeks: 2, count: 2 },
    });
    expect(now.status, await now.clone().text()).toBe(201);
  });

  it("past the horizon is 400 naming the count", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    const res = await api.request(
      `/v1/availability/series?${new URLSearchParams({ ...ids, start: FIRST, everyWeeks: "52", count: "2" })}`,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^query\.count: occurrence 2 \(2028-03-13\) lies past the booking horizon/,
    );
  });

  it("refuses bad input naming the field", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    const cases: [Record<string, string>, string][] = [
      [{ ...ids, start: FIRST, everyWeeks: "1", count: "0" }, "query.count"],
      [{ ...ids, start: FIRST, everyWeeks: "1", count: "13" }, "query.count"],
      [{ ...ids, start: FIRST, everyWeeks: "0", count: "2" }, "query.everyWeeks"],
      [{ serviceId: ids.serviceId, start: FIRST, everyWeeks: "1", count: "2" }, "query.staffId"],
    ];
    for (const [query, field] of cases) {
      const res = await api.request(`/v1/availability/series?${new URLSearchParams(query)}`);
      expect(res.status, JSON.stringify(query)).toBe(400);
      const { error } = (await res.json()) as { error: { message: string } };
      expect(error.message, JSON.stringify(query)).toContain(field);
    }
    const bodies: [Record<string, unknown>, string][] = [
      [{ everyWeeks: 1, count: 0 }, "body.repeat.count"],
      [{ everyWeeks: 1, count: 13 }, "body.repeat.count"],
      [{ everyWeeks: 0, count: 2 }, "body.repeat.everyWeeks"],
    ];
    for (const [repeat, field] of bodies) {
      const res = await post(api, "/v1/holds", {
        clientId: uniqueId("c_"),
        ...ids,
        start: FIRST,
        repeat,
      });
      expect(res.status, JSON.stringify(repeat)).toBe(400);
      const { error } = (await res.json()) as { error: { message: string } };
      expect(error.message, JSON.stringify(repeat)).toContain(field);
    }
  });

  it("two customers racing for overlapping series: one gets every contested occurrence, the other none (20 races)", async () => {
    const api = testApi({}, new FixedClock(NOW));
    for (let round = 0; round < 20; round++) {
      const ids = await berlinMondays(api);
      await series(api, ids, { count: "4" });
      // Weekly ×4 against every other week ×2: 03-15 and 03-29 are contested.
      const [a, b] = await Promise.all([
        post(api, "/v1/holds", {
          clientId: uniqueId("a_"),
          ...ids,
          start: FIRST,
          repeat: { everyWeeks: 1, count: 4 },
        }),
        post(api, "/v1/holds", {
          clientId: uniqueId("b_"),
          ...ids,
          start: FIRST,
          repeat: { everyWeeks: 2, count: 2 },
        }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses, `round ${round}`).toEqual([201, 409]);
      const winner = (await (a.status === 201 ? a : b).json()) as Hold;
      const occurrences = await series(api, ids, { count: "4" });
      // Every occurrence the winner asked for is held; the loser holds nothing anywhere.
      const heldStarts = occurrences.filter((o) => o.state === "held").map((o) => o.start);
      expect(heldStarts.sort(), `round ${round}`).toEqual(winner.slots.map((s) => s.start).sort());
    }
  }, 120_000);

  it("books all 12 occurrences in one transaction, linked by a seriesId, with every date in one .ics", async () => {
    const api = testApi({}, new FixedClock(NOW));
    const ids = await berlinMondays(api);
    const hold = await holdSeries(api, ids, 12);
    const email = `${uniqueId("mia")}@example.test`;
    const {
      result,
      redis: redisTrips,
      sqlStatements,
    } = await countRoundTrips(() => book(api, hold, email));
    expect(result.status, await result.clone().text()).toBe(201);
    const booked = (await result.json()) as Booked;
    expect(booked.appointments).toHaveLength(12);
    const seriesId = booked.appointment.seriesId;
    expect(seriesId).toMatch(/^ser_[0-9a-z]{20}$/);
    expect(booked.appointments.every((a) => a.seriesId === seriesId)).toBe(true);
    expect(booked.appointments.map((a) => a.start)).toEqual(hold.slots.map((s) => s.start));
    // One Redis round trip and one transaction of 9 statements, as a single booking.
    expect(redisTrips).toBe(1);
    const transaction = sqlStatements.slice(0, sqlStatements.indexOf("COMMIT") + 1);
    expect(transaction[0]).toBe("BEGIN");
    expect(transaction).toHaveLength(9);
    // The confirmation's calendar file has one VEVENT per occurrence.
    const emails = await withDb(async (conn) => {
      const [rows] = await conn.query(
        "SELECT kind, attachments FROM outbox_emails WHERE to_email = ? ORDER BY created_at, id",
        [email],
      );
      return rows as { kind: string; attachments: string }[];
    });
    expect(emails.map((e) => e.kind)).toEqual(["confirmation"]);
    expect(emails[0]?.attachments.match(/BEGIN:VEVENT/g)).toHaveLength(12);
    // A single booking has none.
    const single = await post(api, "/v1/holds", {
      clientId: uniqueId("client_"),
      ...ids,
      start: "2027-03-15T11:00:00+01:00",
    });
    const one = (await (await book(api, (await single.json()) as Hold, email)).json()) as Booked;
    expect(one.appointment.seriesId).toBeNull();
  });

  it("books across dates only while every occurrence is free: a taken one books none", async () => {
    const clock = new FixedClock(NOW);
    const api2 = testApi({}, clock);
    const ids = await berlinMondays(api2);
    const hold = await holdSeries(api2, ids, 3);
    // The hold lapses; someone else holds the third occurrence meanwhile.
    clock.advance(11 * 60_000);
    await series(api2, ids, { count: "3" });
    const other = await post(api2, "/v1/holds", {
      clientId: uniqueId("other_"),
      ...ids,
      start: "2027-03-29T09:00:00+02:00",
    });
    expect(other.status, await other.clone().text()).toBe(201);
    const refused = await book(api2, hold, `${uniqueId("mia")}@example.test`);
    expect(refused.status, await refused.clone().text()).toBe(410);
    const after = await series(api2, ids, { count: "3" });
    expect(after.map((o) => o.state)).toEqual(["available", "available", "held"]);
  });

  describe("cancel with a scope", () => {
    type Cancelled = {
      appointment: Appointment;
      appointments: Appointment[];
      left: (Appointment & { cutoffAt: string })[];
    };
    async function bookedSeries(clock: FixedClock) {
      const api = testApi({}, clock);
      const ids = await berlinMondays(api);
      const hold = await holdSeries(api, ids, 4);
      const res = await book(api, hold, `${uniqueId("mia")}@example.test`);
      expect(res.status, await res.clone().text()).toBe(201);
      return { api, booked: (await res.json()) as Booked };
    }
    function cancel(api: Caller, booked: Booked, index: number, scope?: string) {
      const id = booked.appointments[index]?.id ?? "";
      return api.request(`/v1/appointments/${id}/cancel${scope ? `?scope=${scope}` : ""}`, {
        method: "POST",
        headers: { "X-Manage-Token": booked.manageToken },
      });
    }
    async function statuses(api: Caller, booked: Booked) {
      return Promise.all(
        booked.appointments.map(async (a) => {
          const res = await api.request(`/v1/appointments/${a.id}`, {
            headers: { "X-Manage-Token": booked.manageToken },
          });
          return ((await res.json()) as { appointment: Appointment }).appointment.status;
        }),
      );
    }

    it("one (the default) cancels that occurrence only", async () => {
      const { api, booked } = await bookedSeries(new FixedClock(NOW));
      const res = await cancel(api, booked, 1);
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as Cancelled;
      expect(body.appointments.map((a) => a.id)).toEqual([booked.appointments[1]?.id]);
      expect(await statuses(api, booked)).toEqual([
        "confirmed",
        "cancelled",
        "confirmed",
        "confirmed",
      ]);
    });

    it("following cancels it and the later ones, in one transaction of 7 statements and nothing more", async () => {
      const { api, booked } = await bookedSeries(new FixedClock(NOW));
      const { result, sqlStatements } = await countRoundTrips(() =>
        cancel(api, booked, 2, "following"),
      );
      expect(result.status, await result.clone().text()).toBe(200);
      const body = (await result.json()) as Cancelled;
      expect(body.appointments.map((a) => a.id)).toEqual(
        booked.appointments.slice(2).map((a) => a.id),
      );
      expect(body.left).toEqual([]);
      // Whether anyone waits for the freed times rides on the locking read: no read after COMMIT.
      expect(sqlStatements[0]).toBe("BEGIN");
      expect(sqlStatements.at(-1)).toBe("COMMIT");
      expect(sqlStatements).toHaveLength(7);
      expect(await statuses(api, booked)).toEqual([
        "confirmed",
        "confirmed",
        "cancelled",
        "cancelled",
      ]);
      // The freed times are free again.
      const ids = { serviceId: booked.appointment.serviceId, staffId: booked.appointment.staffId };
      const after = await series(api, ids, { count: "4" });
      expect(after.map((o) => o.state)).toEqual(["booked", "booked", "available", "available"]);
    });

    it("all leaves the occurrences inside the cut-off and reports them", async () => {
      const clock = new FixedClock(NOW);
      const { api, booked } = await bookedSeries(clock);
      // One hour before the first occurrence: inside the 2-hour cut-off.
      clock.current = Date.parse(FIRST) - 60 * 60_000;
      const res = await cancel(api, booked, 3, "all");
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as Cancelled;
      expect(body.appointment.id).toBe(booked.appointments[3]?.id);
      expect(body.appointments.map((a) => a.id)).toEqual(
        booked.appointments.slice(1).map((a) => a.id),
      );
      expect(body.left.map((a) => [a.id, a.status, a.cutoffAt])).toEqual([
        [booked.appointments[0]?.id, "confirmed", "2027-03-15T07:00:00+01:00"],
      ]);
      expect(await statuses(api, booked)).toEqual([
        "confirmed",
        "cancelled",
        "cancelled",
        "cancelled",
      ]);
      // One email lists the cancelled occurrences; one webhook event each.
      const email = booked.appointment.customer?.email;
      const rows = await withDb(async (conn) => {
        const [r] = await conn.query(
          "SELECT kind, attachments FROM outbox_emails WHERE to_email = ? ORDER BY created_at, id",
          [email],
        );
        return r as { kind: string; attachments: string }[];
      });
      expect(rows.map((e) => e.kind)).toEqual(["confirmation", "cancellation"]);
      expect(rows[1]?.attachments.match(/BEGIN:VEVENT/g)).toHaveLength(3);
      // Only the occurrence inside the cut-off is left: all again is CUTOFF_PASSED.
      const again = await cancel(api, booked, 0, "all");
      expect(again.status).toBe(409);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe(
        "CUTOFF_PASSED",
      );
    });

    it("an unknown scope is 400 naming it", async () => {
      const { api, booked } = await bookedSeries(new FixedClock(NOW));
      const res = await cancel(api, booked, 0, "some");
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
        "query.scope",
      );
    });
  });

  describe("on the MySQL fallback (Redis refusing)", () => {
    let gateways: FaultGateways;
    beforeAll(async () => {
      gateways = await startFaultGateways();
    });
    afterAll(() => gateways.close());

    it("a series is one hold, one per client, and books with its seriesId", async () => {
      const api = isolateOver(gateways, `${uniqueId("ser")}:`, {}, { clock: new FixedClock(NOW) });
      const ids = await berlinMondays(api);
      gateways.upstash.setFault("refuse");
      try {
        const clientId = uniqueId("client_");
        const held = await post(api, "/v1/holds", {
          clientId,
          ...ids,
          start: FIRST,
          repeat: { everyWeeks: 1, count: 6 },
        });
        expect(held.status, await held.clone().text()).toBe(201);
        const hold = (await held.json()) as Hold;
        expect(hold.slots.slice(0, 4).map((s) => s.start)).toEqual(WEEKLY_4);
        const single = await post(api, "/v1/holds", {
          clientId,
          ...ids,
          start: "2027-03-15T11:00:00+01:00",
        });
        expect(single.status, await single.clone().text()).toBe(201);
        const again = await post(api, "/v1/holds", {
          clientId,
          ...ids,
          start: "2027-03-15T10:00:00+01:00",
          repeat: { everyWeeks: 2, count: 2 },
        });
        expect(again.status, await again.clone().text()).toBe(429);
        expect(
          ((await again.json()) as { error: { details: { holder: string } } }).error.details,
        ).toMatchObject({ holder: "series" });
        const booked = await book(api, hold, `${uniqueId("mia")}@example.test`);
        expect(booked.status, await booked.clone().text()).toBe(201);
        const body = (await booked.json()) as Booked;
        expect(new Set(body.appointments.map((a) => a.seriesId)).size).toBe(1);
        expect(body.appointment.seriesId).toMatch(/^ser_/);
      } finally {
        gateways.upstash.setFault("none");
      }
    }, 120_000);
  });
});

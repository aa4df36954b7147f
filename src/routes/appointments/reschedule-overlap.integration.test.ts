/**
 * A customer moves an appointment onto a time that overlaps it (10:00 → 10:30
 * for 60 minutes). Availability and hold accept `rescheduleOf` with the appointment's manage
 * token or its customer's session and then ignore that appointment's own cells; everyone else
 * still sees them booked, and a wrong or missing credential is 404.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/drivers/api.ts";
import { bookAt } from "../../../test/drivers/integrations.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import {
  type AvailabilitySlot,
  type LiveFixture,
  liveFixture,
  newClientId,
} from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const api: Api = testApi();
let live: LiveFixture;

type Proof = { holdId: string; holdToken: string };
const proof = ({ holdId, holdToken }: Proof): Proof => ({ holdId, holdToken });
/** The customer who moves: the same email each time, so its session sees its appointments. */
const mover = (email = "move@example.com") => ({ name: "Mo Ve", email });

beforeAll(async () => {
  live = await liveFixture(api, { durationMin: 60, bufferAfterMin: 0 });
});

function availability(query: Record<string, string>, headers: Record<string, string> = {}) {
  const params = new URLSearchParams({
    serviceId: live.serviceId,
    staffId: live.staffId,
    from: live.date,
    to: live.date,
    ...query,
  });
  return api.request(`/v1/availability?${params}`, { headers });
}

async function slotsOf(res: Response): Promise<AvailabilitySlot[]> {
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { days: { slots: AvailabilitySlot[] }[] }).days[0]?.slots ?? [];
}

const at = (slots: AvailabilitySlot[], hhmm: string) =>
  slots.find((s) => s.start.slice(11, 16) === hhmm);

function hold(start: string, extra: Record<string, unknown>, headers: Record<string, string>) {
  return api.request("/v1/holds", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({
      clientId: newClientId(),
      serviceId: live.serviceId,
      staffId: live.staffId,
      start,
      ...extra,
    }),
  });
}

async function signIn(email: string): Promise<string> {
  const ip = `10.14.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const otp = await api.request("/v1/auth/otp", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify({ email }),
  });
  expect(otp.status).toBe(202);
  const code = await withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT subject FROM outbox_emails WHERE to_email = ? AND kind = 'sign-in-code' ORDER BY created_at DESC, id DESC LIMIT 1",
      [email],
    );
    return String((rows as { subject: string }[])[0]?.subject ?? "").slice(-6);
  });
  const verify = await api.request("/v1/auth/verify", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify({ email, code }),
  });
  expect(verify.status, await verify.clone().text()).toBe(200);
  return ((await verify.json()) as { sessionToken: string }).sessionToken;
}

describe("rescheduling onto an overlapping time", () => {
  it("moves 10:00 → 10:30 for a 60-minute service: availability, hold 201, reschedule 200; others still see it booked", async () => {
    const booked = await bookAt(api, live, "10:00", mover());
    const id = booked.appointment.id;
    const mine = { "X-Manage-Token": booked.manageToken };

    // Anyone else: 10:00 and 10:30 are booked.
    const others = await slotsOf(await availability({}));
    expect(at(others, "10:30")?.state).toBe("booked");
    expect(at(others, "10:00")?.state).toBe("booked");
    // The customer, for this appointment: its own cells do not count.
    const { result, sql, redis } = await countRoundTrips(async () =>
      availability({ rescheduleOf: id }, mine),
    );
    const own = await slotsOf(result);
    expect(at(own, "10:30")?.state).toBe("available");
    expect(at(own, "09:30")?.state).toBe("available");
    expect(sql).toBe(1);
    expect(redis).toBe(1);
    // Others still see it booked afterwards, and cannot hold it.
    expect(at(await slotsOf(await availability({})), "10:30")?.state).toBe("booked");
    const start = at(own, "10:30")?.start ?? "";
    await expectError(await hold(start, {}, {}), 409, "SLOT_UNAVAILABLE", "body.start:");

    // The hold for the reschedule: one Redis round trip and its claim in the booking store. The
    // appointment's own hold still has its claim there (it lapses at the hold's expiry), so the
    // claim meets it and, Redis having granted the hold, takes it over: two SQL writes.
    const trips = await countRoundTrips(() => hold(start, { rescheduleOf: id }, mine));
    expect(trips.result.status, await trips.result.clone().text()).toBe(201);
    expect(trips.redis).toBe(1);
    expect(trips.sql).toBe(2);
    const { holdId, holdToken } = (await trips.result.json()) as Proof;

    const { result: moved, sqlStatements } = await countRoundTrips(() =>
      api.request(`/v1/appointments/${id}/reschedule`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...mine },
        body: JSON.stringify({ holdId, holdToken }),
      }),
    );
    // The move is its one transaction and nothing else: the credential is checked on the row the
    // transaction reads (no read before BEGIN), and whether anyone waits for the freed time rides
    // on that read too (no read after COMMIT). Within the budget of 10 statements a request.
    expect(sqlStatements[0]).toBe("BEGIN");
    expect(sqlStatements.at(-1)).toBe("COMMIT");
    expect(sqlStatements.length).toBeLessThanOrEqual(10);
    expect(moved.status, await moved.clone().text()).toBe(200);
    const body = (await moved.json()) as {
      appointment: { id: string; start: string; rescheduledFrom: string };
    };
    expect(body.appointment.start).toBe(start);
    expect(body.appointment.rescheduledFrom).toBe(id);
    const old = await api.request(`/v1/appointments/${id}`, { headers: mine });
    expect(((await old.json()) as { appointment: { status: string } }).appointment.status).toBe(
      "cancelled",
    );
    // Now 10:30–11:30 is booked for everyone, and 10:00 is free again.
    const after = await slotsOf(await availability({}));
    expect(at(after, "10:30")?.state).toBe("booked");
    expect(at(after, "09:30")?.state).toBe("available");
  });

  it("the month view counts the moved appointment's own time as free only with its credential", async () => {
    const own = await liveFixture(api, { durationMin: 60, bufferAfterMin: 0 });
    const booked = await bookAt(api, own, "15:00", mover("month@example.com"));
    const id = booked.appointment.id;
    const summary = (query: Record<string, string>, headers: Record<string, string> = {}) =>
      api.request(
        `/v1/availability/summary?${new URLSearchParams({
          serviceId: own.serviceId,
          staffId: own.staffId,
          from: own.date,
          to: own.date,
          ...query,
        })}`,
        { headers },
      );
    const freeOf = async (res: Response) => {
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as { days: { free: number }[] }).days[0]?.free ?? -1;
    };
    const others = await freeOf(await summary({}));
    // A 60-minute appointment at 15:00 blocks the starts 14:15 … 15:45 (4 + 4) for others.
    const mine = await freeOf(
      await summary({ rescheduleOf: id }, { "X-Manage-Token": booked.manageToken }),
    );
    expect(mine - others).toBe(7);
    expect(await freeOf(await summary({}))).toBe(others);
    await expectError(await summary({ rescheduleOf: id }), 404, "NOT_FOUND", "query.rescheduleOf:");
  });

  it("rescheduleOf without the appointment's credential is 404 on availability and hold", async () => {
    const booked = await bookAt(api, live, "13:00", mover());
    const id = booked.appointment.id;
    const start = at(await slotsOf(await availability({})), "13:30")?.start ?? "";
    expect(start).not.toBe("");
    await expectError(
      await availability({ rescheduleOf: id }),
      404,
      "NOT_FOUND",
      "query.rescheduleOf:",
    );
    await expectError(
      await availability({ rescheduleOf: id }, { "X-Manage-Token": "x".repeat(43) }),
      404,
      "NOT_FOUND",
      "query.rescheduleOf:",
    );
    await expectError(
      await availability(
        { rescheduleOf: uniqueId("apt_") },
        { "X-Manage-Token": booked.manageToken },
      ),
      404,
      "NOT_FOUND",
      "query.rescheduleOf:",
    );
    // The owner's availability published the reschedule's offer; a hold without the credential
    // still cannot use it.
    await slotsOf(
      await availability({ rescheduleOf: id }, { "X-Manage-Token": booked.manageToken }),
    );
    await expectError(
      await hold(start, { rescheduleOf: id }, {}),
      404,
      "NOT_FOUND",
      "body.rescheduleOf:",
    );
    await expectError(
      await hold(start, { rescheduleOf: id }, { "X-Manage-Token": "y".repeat(43) }),
      404,
      "NOT_FOUND",
      "body.rescheduleOf:",
    );
    // Without rescheduleOf the time is simply booked.
    await expectError(await hold(start, {}, {}), 409, "SLOT_UNAVAILABLE");
  });

  it("the customer's session works like the manage token; another customer's session is 404", async () => {
    const email = `${uniqueId("resched")}@example.com`.toLowerCase();
    const booked = await bookAt(api, live, "15:00", mover(email));
    const id = booked.appointment.id;
    const session = { Authorization: `Bearer ${await signIn(email)}` };
    const own = await slotsOf(await availability({ rescheduleOf: id }, session));
    const start = at(own, "15:15")?.start ?? "";
    expect(at(own, "15:15")?.state).toBe("available");
    const stranger = {
      Authorization: `Bearer ${await signIn(`${uniqueId("other")}@example.com`.toLowerCase())}`,
    };
    await expectError(await availability({ rescheduleOf: id }, stranger), 404, "NOT_FOUND");
    await expectError(await hold(start, { rescheduleOf: id }, stranger), 404, "NOT_FOUND");
    const held = await hold(start, { rescheduleOf: id }, session);
    expect(held.status, await held.clone().text()).toBe(201);
    const moved = await api.request(`/v1/appointments/${id}/reschedule`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...session },
      body: JSON.stringify(proof((await held.json()) as Proof)),
    });
    expect(moved.status, await moved.clone().text()).toBe(200);
  });
});

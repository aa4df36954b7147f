import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../../test/fixtures/catalog-fixtures.ts";
import { countRoundTrips } from "../../../../test/drivers/round-trips.ts";
import { insertAppointmentWithCells } from "../../../../test/stack/db-direct.ts";

const api = testApi();
const monday = upcomingMonday(7);
/** `day` days after the Monday at `hour` o'clock UTC. */
const at = (hour: number, day = 0) =>
  Date.parse(`${monday}T00:00:00Z`) + (day * 24 + hour) * 3_600_000;
const iso = (hour: number, minute = 0) =>
  `${monday}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00+00:00`;

/** A fresh service and staff member (UTC, 9–12 and 13–17 on weekdays); bookings go to MySQL. */
async function freshStaff() {
  const service = await createTestService(api, { bufferAfterMin: 0 });
  const staff = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
  const insert = (hour: number) =>
    insertAppointmentWithCells({
      staffId: staff.id,
      serviceId: service.id,
      startMs: at(hour),
      endMs: at(hour + 1),
    });
  return { serviceId: service.id, staffId: staff.id, insert };
}

type Appointment = { id: string; status: string; staffId: string; rescheduledFrom: string | null };
const reschedule = (id: string, body: unknown) =>
  api.admin("POST", `/v1/admin/appointments/${id}/reschedule`, body);
async function listed(staffId: string): Promise<Pick<Appointment, "id" | "status">[]> {
  const res = await api.admin("GET", `/v1/admin/appointments?staffId=${staffId}`);
  const { appointments } = (await res.json()) as { appointments: Appointment[] };
  return appointments.map(({ id, status }) => ({ id, status }));
}

describe("POST /v1/admin/appointments/{id}/reschedule", () => {
  it("moves to a free time: 200 with the new appointment, the old one cancelled", async () => {
    const { serviceId, staffId, insert } = await freshStaff();
    const old = await insert(10);
    // Any offset is accepted; the answer uses the staff member's (UTC here).
    const { result: res, sqlStatements } = await countRoundTrips(() =>
      reschedule(old, { start: `${monday}T16:00:00+01:00` }),
    );
    expect(res.status).toBe(200);
    // One read of the appointment (its service and staff member name the new one's), then one
    // transaction of 10 (its audit entry included): nothing after COMMIT when nobody waits.
    expect(sqlStatements[1]).toBe("BEGIN");
    expect(sqlStatements.at(-1)).toBe("COMMIT");
    expect(sqlStatements).toHaveLength(11);
    const { appointment } = (await res.json()) as { appointment: Appointment };
    expect(appointment).toMatchObject({
      id: expect.stringMatching(/^apt_[0-9a-z]{20}$/),
      status: "confirmed",
      staffId,
      serviceId,
      start: iso(15),
      end: iso(16),
      customer: { name: "Test", email: "test@example.test", phone: null },
      rescheduledFrom: old,
      cancelledAt: null,
    });
    expect(await listed(staffId)).toEqual([
      { id: old, status: "cancelled" },
      { id: appointment.id, status: "confirmed" },
    ]);
  });

  it("refuses a time another confirmed appointment covers with 409 SLOT_UNAVAILABLE, changing nothing", async () => {
    const { staffId, insert } = await freshStaff();
    const moving = await insert(10);
    const blocking = await insert(14);
    const res = await reschedule(moving, { start: iso(14, 30) });
    const body = (await res.clone().json()) as { error: { details: { nearby: string[] } } };
    await expectError(res, 409, "SLOT_UNAVAILABLE", "body.start: another appointment covers");
    expect(body.error.details.nearby).toEqual([iso(15), iso(15, 15), iso(15, 30)]);
    expect(await listed(staffId)).toEqual([
      { id: moving, status: "confirmed" },
      { id: blocking, status: "confirmed" },
    ]);
  });

  it("admin override: a time outside working hours (Sunday 20:00) is allowed", async () => {
    const { insert } = await freshStaff();
    const res = await reschedule(await insert(10), {
      start: new Date(at(20, 6)).toISOString().replace(".000Z", "Z"),
    });
    expect(res.status).toBe(200);
  });

  it("moves to another staff member who performs the service", async () => {
    const { serviceId, insert } = await freshStaff();
    const other = await createTestStaff(api, { serviceIds: [serviceId], timeZone: "UTC" });
    const res = await reschedule(await insert(10), { start: iso(10), staffId: other.id });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { appointment: Appointment }).appointment.staffId).toBe(other.id);
  });

  it("answers each refusal with its code", async () => {
    const { insert } = await freshStaff();
    const id = await insert(10);
    const past = { start: "2020-01-06T10:00:00Z" };
    await expectError(await reschedule(id, past), 409, "SLOT_UNAVAILABLE", "body.start: the slot");
    const stranger = await createTestStaff(api, { serviceIds: [] });
    const notOffered = await reschedule(id, { start: iso(11), staffId: stranger.id });
    await expectError(notOffered, 409, "SLOT_UNAVAILABLE", "body.start:");
    const unknown = await reschedule("apt_nosuchappointment", { start: iso(11) });
    await expectError(unknown, 404, "NOT_FOUND", "id: no such appointment");
    expect((await api.admin("POST", `/v1/admin/appointments/${id}/cancel`)).status).toBe(200);
    await expectError(await reschedule(id, { start: iso(11) }), 409, "CONFLICT", "id:");
  });

  it.each([
    ["a start without an offset", { start: "2026-12-07T10:00:00" }, "body.start:"],
    ["a start that is not a date", { start: "tomorrow" }, "body.start:"],
    ["a start on 30 February", { start: "2026-02-30T10:00:00Z" }, "body.start:"],
    ["no start", {}, "body.start:"],
    ["a bad staff id", { start: "2026-12-07T10:00:00Z", staffId: "x" }, "body.staffId:"],
    ["an unknown field", { start: "2026-12-07T10:00:00Z", notes: "x" }, "body:"],
  ])("refuses %s with 400 naming the field", async (_label, body, message) => {
    await expectError(await reschedule("apt_whatever1", body), 400, "BAD_REQUEST", message);
  });

  it("with a hold of the new time: books the hold, so live state shows the time booked at once", async () => {
    const { serviceId, staffId, insert } = await freshStaff();
    const old = await insert(10);
    const state = async (start: string) => {
      const query = new URLSearchParams({ serviceId, staffId, from: monday, to: monday });
      const res = await api.request(`/v1/availability?${query}`);
      const { days } = (await res.json()) as {
        days: { slots: { start: string; state: string }[] }[];
      };
      return days[0]?.slots.find((s) => s.start === start)?.state;
    };
    expect(await state(iso(15))).toBe("available");
    const hold = async (start: string) => {
      const res = await api.request("/v1/holds", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
        body: JSON.stringify({
          clientId: `client_${crypto.randomUUID()}`,
          serviceId,
          staffId,
          start,
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { holdId: string; holdToken: string };
    };
    const { holdId, holdToken } = await hold(iso(15));
    // A hold of another time than the move's is refused, naming the field; nothing changes.
    await expectError(
      await reschedule(old, { start: iso(16), holdId, holdToken }),
      400,
      "BAD_REQUEST",
      "body.holdId",
    );
    await expectError(
      await reschedule(old, { start: iso(15), holdId }),
      400,
      "BAD_REQUEST",
      "body.holdToken",
    );
    await expectError(
      await reschedule(old, { start: iso(15), holdId, holdToken: `${holdToken.slice(0, -2)}xx` }),
      404,
      "NOT_FOUND",
      "body.holdId",
    );
    expect(await listed(staffId)).toEqual([{ id: old, status: "confirmed" }]);

    const res = await reschedule(old, { start: iso(15), holdId, holdToken });
    expect(res.status, await res.clone().text()).toBe(200);
    // Live state says booked (not held, not free): the hold became the appointment's entry.
    expect(await state(iso(15))).toBe("booked");
    // Done once: the old appointment is cancelled now.
    await expectError(
      await reschedule(old, { start: iso(15), holdId, holdToken }),
      409,
      "CONFLICT",
    );
  });

  it("answers 401 without the admin token", async () => {
    const res = await api.request("/v1/admin/appointments/apt_whatever1/reschedule", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ start: "2026-12-07T10:00:00Z" }),
    });
    await expectError(res, 401, "UNAUTHORIZED");
  });
});

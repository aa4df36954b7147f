import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../../test/fixtures/catalog-fixtures.ts";
import { insertAppointmentWithCells } from "../../../../test/stack/db-direct.ts";

const api = testApi();
const monday = upcomingMonday(7);
/** The Monday at `hour` o'clock UTC. */
const at = (hour: number) => Date.parse(`${monday}T00:00:00Z`) + hour * 3_600_000;

/** A fresh service and staff member (UTC), and a way to book them straight into MySQL. */
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

const cancel = (id: string) => api.admin("POST", `/v1/admin/appointments/${id}/cancel`);
const reschedule = (id: string, start: string) =>
  api.admin("POST", `/v1/admin/appointments/${id}/reschedule`, { start });

describe("POST /v1/admin/appointments/{id}/cancel", () => {
  it("cancels a confirmed appointment and frees its time at once", async () => {
    const { serviceId, staffId, insert } = await freshStaff();
    const target = await insert(10);
    const other = await insert(14);
    // Before: the time is taken, so moving another appointment into it is refused.
    const refused = await reschedule(other, `${monday}T10:00:00Z`);
    await expectError(refused, 409, "SLOT_UNAVAILABLE", "body.start:");

    const res = await cancel(target);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: target,
      status: "cancelled",
      staffId,
      serviceId,
      start: `${monday}T10:00:00+00:00`,
      end: `${monday}T11:00:00+00:00`,
      rescheduledFrom: null,
      cancelledAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/),
    });
    expect(body.updatedAt).toBe(body.cancelledAt);

    // After: the cells are gone, so the same move succeeds.
    const moved = await reschedule(other, `${monday}T10:00:00Z`);
    expect(moved.status).toBe(200);
  });

  it("a second cancel returns 409 CONFLICT", async () => {
    const { insert } = await freshStaff();
    const id = await insert(10);
    expect((await cancel(id)).status).toBe(200);
    await expectError(await cancel(id), 409, "CONFLICT", "id: the appointment is not confirmed");
  });

  it("returns 404 NOT_FOUND for an unknown appointment", async () => {
    await expectError(await cancel("apt_nosuchappointment"), 404, "NOT_FOUND", "id: no such");
  });

  it("refuses a malformed id with 400 naming the field", async () => {
    await expectError(await cancel("DROP%20TABLE"), 400, "BAD_REQUEST", "param.id:");
  });

  it("answers 401 without the admin token", async () => {
    const res = await api.request("/v1/admin/appointments/apt_nosuchappointment/cancel", {
      method: "POST",
    });
    await expectError(res, 401, "UNAUTHORIZED");
  });
});

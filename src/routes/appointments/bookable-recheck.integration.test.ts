/**
 * A hold token books only while its time is still bookable. Inside the
 * booking (and reschedule) transaction the time is checked again against working time,
 * overrides, closures, notice and horizon, with the rows that transaction reads: a closure or a
 * day off added after the hold, or a clock past the notice, is 409 SLOT_UNAVAILABLE.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, expectError, testApi } from "../../../test/drivers/api.ts";
import { countRoundTrips } from "../../../test/drivers/round-trips.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";
import { FixedClock } from "../../../test/fixtures/fakes.ts";
import { type AvailabilitySlot, newClientId } from "../../../test/fixtures/live-fixtures.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import { formatInstant } from "../../domain/time/zoned-time.ts";

const clock = new FixedClock(Date.now());
const api: Api = testApi({}, clock);
const closures: string[] = [];

type Proof = { holdId: string; holdToken: string };

/**
 * A Wednesday about six weeks ahead, inside the 90-day horizon: closures are business-wide, and
 * no other test books Wednesdays this far out, so a closure here disturbs nobody (the business
 * app's browser test closes a Thursday a week later for the same reason).
 */
const DATE = (() => {
  const d = new Date(`${upcomingMonday(40)}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 2);
  return d.toISOString().slice(0, 10);
})();

afterAll(async () => {
  for (const id of closures) await api.admin("DELETE", `/v1/admin/closures/${id}`);
});

async function newStaff() {
  const { id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
  const { id: staffId } = await createTestStaff(api, { serviceIds: [serviceId] });
  const slots = async (): Promise<AvailabilitySlot[]> => {
    const query = new URLSearchParams({ serviceId, staffId, from: DATE, to: DATE });
    const res = await api.request(`/v1/availability?${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { days: { slots: AvailabilitySlot[] }[] }).days[0]?.slots ?? [];
  };
  const hold = async (hhmm: string, extra: Record<string, unknown> = {}, headers = {}) => {
    const start = (await slots()).find((s) => s.start.slice(11, 16) === hhmm)?.start;
    expect(start, `${hhmm} offered`).toBeDefined();
    const res = await api.request("/v1/holds", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify({ clientId: newClientId(), serviceId, staffId, start, ...extra }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { holdId, holdToken } = (await res.json()) as Proof;
    return { holdId, holdToken, start: start ?? "" };
  };
  return { serviceId, staffId, slots, hold };
}

function book(proof: Proof) {
  return api.request("/v1/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("idem-") },
    body: JSON.stringify({
      holdId: proof.holdId,
      holdToken: proof.holdToken,
      customer: { name: "Re Check", email: "recheck@example.com" },
    }),
  });
}

function dayOff(staffId: string) {
  return api.admin("PUT", `/v1/admin/staff/${staffId}/overrides/${DATE}`, { intervals: [] });
}

beforeAll(() => {
  clock.current = Date.now();
});

describe("the booking transaction re-checks that the time is still bookable", () => {
  it("the happy path still books, within the statement budget", async () => {
    const staff = await newStaff();
    const held = await staff.hold("10:00");
    const { result, sqlStatements } = await countRoundTrips(() => book(held));
    expect(result.status, await result.clone().text()).toBe(201);
    expect(sqlStatements.length).toBeLessThanOrEqual(10);
  });

  it("a closure added after the hold: 409 SLOT_UNAVAILABLE, nothing booked", async () => {
    const staff = await newStaff();
    const held = await staff.hold("11:00");
    const closure = await api.admin("POST", "/v1/admin/closures", {
      startDate: DATE,
      endDate: DATE,
      reason: uniqueId("recheck"),
    });
    expect(closure.status).toBe(201);
    closures.push(((await closure.json()) as { id: string }).id);
    try {
      await expectError(await book(held), 409, "SLOT_UNAVAILABLE", "holdId:");
    } finally {
      await api.admin("DELETE", `/v1/admin/closures/${closures.pop()}`);
    }
    // Nothing was written: the same hold books once the closure is gone.
    expect((await book(held)).status).toBe(201);
  });

  it("a day off added after the hold: 409 SLOT_UNAVAILABLE", async () => {
    const staff = await newStaff();
    const held = await staff.hold("13:00");
    expect((await dayOff(staff.staffId)).status).toBe(200);
    await expectError(await book(held), 409, "SLOT_UNAVAILABLE", "holdId:");
    expect((await staff.slots()).length).toBe(0);
  });

  it("past the minimum notice (60 minutes): 409 SLOT_UNAVAILABLE", async () => {
    const staff = await newStaff();
    const start = (await staff.slots()).find((s) => s.start.slice(11, 16) === "14:00")?.start;
    expect(start, "14:00 offered").toBeDefined();
    const startMs = Date.parse(start ?? "");
    clock.current = startMs - 61 * 60_000; // the slot is 61 minutes ahead: offered
    try {
      const held = await staff.hold("14:00");
      clock.advance(2 * 60_000); // now 59 minutes ahead: inside the notice, hold still alive
      await expectError(await book(held), 409, "SLOT_UNAVAILABLE", "holdId:");
    } finally {
      clock.current = Date.now();
    }
  });

  it("inside the reschedule cut-off (120 minutes) a move is 409 CUTOFF_PASSED with cutoffAt, and nothing changes", async () => {
    const staff = await newStaff();
    const first = await book(await staff.hold("09:00"));
    expect(first.status).toBe(201);
    const booked = (await first.json()) as {
      appointment: { id: string; start: string };
      manageToken: string;
    };
    clock.current = Date.parse(booked.appointment.start) - 119 * 60_000;
    try {
      const held = await staff.hold("16:00");
      const moved = await api.request(`/v1/appointments/${booked.appointment.id}/reschedule`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Manage-Token": booked.manageToken },
        body: JSON.stringify({ holdId: held.holdId, holdToken: held.holdToken }),
      });
      const body = (await moved.clone().json()) as { error: { details: { cutoffAt: string } } };
      await expectError(
        moved,
        409,
        "CUTOFF_PASSED",
        "id: appointments can be moved until 120 minutes before they start",
      );
      // In the staff member's offset, as the appointment's own times.
      expect(body.error.details.cutoffAt).toBe(
        formatInstant(Date.parse(booked.appointment.start) - 120 * 60_000, "Europe/Berlin"),
      );
      expect(body.error.details.cutoffAt.slice(-6)).toBe(booked.appointment.start.slice(-6));
    } finally {
      clock.current = Date.now();
    }
    const old = await api.request(`/v1/appointments/${booked.appointment.id}`, {
      headers: { "X-Manage-Token": booked.manageToken },
    });
    expect(((await old.json()) as { appointment: { status: string } }).appointment.status).toBe(
      "confirmed",
    );
  });

  it("inside the cancel cut-off (120 minutes) a cancel is 409 CUTOFF_PASSED with cutoffAt; one minute earlier it cancels", async () => {
    const staff = await newStaff();
    const first = await book(await staff.hold("11:30"));
    expect(first.status).toBe(201);
    const booked = (await first.json()) as {
      appointment: { id: string; start: string };
      manageToken: string;
    };
    const cancel = () =>
      api.request(`/v1/appointments/${booked.appointment.id}/cancel`, {
        method: "POST",
        headers: { "X-Manage-Token": booked.manageToken },
      });
    const startMs = Date.parse(booked.appointment.start);
    try {
      clock.current = startMs - 119 * 60_000;
      const late = await cancel();
      const body = (await late.clone().json()) as { error: { details: { cutoffAt: string } } };
      await expectError(
        late,
        409,
        "CUTOFF_PASSED",
        "id: appointments can be cancelled until 120 minutes before they start",
      );
      expect(body.error.details.cutoffAt).toBe(
        formatInstant(startMs - 120 * 60_000, "Europe/Berlin"),
      );
      clock.current = startMs - 121 * 60_000;
      expect((await cancel()).status).toBe(200);
    } finally {
      clock.current = Date.now();
    }
  });

  it("the reschedule transaction re-checks too: a day off after the hold is 409 and the old appointment stays", async () => {
    const staff = await newStaff();
    const first = await book(await staff.hold("15:00"));
    expect(first.status).toBe(201);
    const booked = (await first.json()) as { appointment: { id: string }; manageToken: string };
    const held = await staff.hold("16:00");
    expect((await dayOff(staff.staffId)).status).toBe(200);
    const moved = await api.request(`/v1/appointments/${booked.appointment.id}/reschedule`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Manage-Token": booked.manageToken },
      body: JSON.stringify({ holdId: held.holdId, holdToken: held.holdToken }),
    });
    await expectError(moved, 409, "SLOT_UNAVAILABLE", "holdId:");
    const old = await api.request(`/v1/appointments/${booked.appointment.id}`, {
      headers: { "X-Manage-Token": booked.manageToken },
    });
    expect(((await old.json()) as { appointment: { status: string } }).appointment.status).toBe(
      "confirmed",
    );
  });
});

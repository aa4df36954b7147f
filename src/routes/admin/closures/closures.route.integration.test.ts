import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import { createTestService, createTestStaff } from "../../../../test/fixtures/catalog-fixtures.ts";
import { insertAppointment } from "../../../../test/stack/db-direct.ts";

const api = testApi();

/**
 * Closures apply to the whole business, so these tests use dates in 2099 (beyond any booking
 * horizon) and delete what they create: other suites' availability is never affected.
 */
type Closure = { id: string; startDate: string; endDate: string; reason: string };

async function listClosures(): Promise<Closure[]> {
  const res = await api.admin("GET", "/v1/admin/closures");
  expect(res.status).toBe(200);
  return ((await res.json()) as { closures: Closure[] }).closures;
}

const valid = { startDate: "2099-12-24", endDate: "2099-12-26" };
const post = (body: unknown) => api.admin("POST", "/v1/admin/closures", body);

describe("admin closures", () => {
  it("answers the confirmed appointments that start on its dates (business time zone)", async () => {
    const service = await createTestService(api, { durationMin: 60 });
    const staff = await createTestStaff(api, { serviceIds: [service.id] });
    const at = (iso: string) => Date.parse(iso);
    // Berlin: 2099-06-02 is 22:00Z on the 1st to 22:00Z on the 2nd.
    const inside = await insertAppointment({
      staffId: staff.id,
      serviceId: service.id,
      startMs: at("2099-06-01T22:30:00Z"),
      endMs: at("2099-06-01T23:30:00Z"),
    });
    const before = await insertAppointment({
      staffId: staff.id,
      serviceId: service.id,
      startMs: at("2099-06-01T21:00:00Z"),
      endMs: at("2099-06-01T22:00:00Z"),
    });
    const res = await post({ startDate: "2099-06-02", endDate: "2099-06-02" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      id: string;
      confirmedAppointments: { id: string; staffId: string; start: string }[];
      moreAppointments: boolean;
    };
    try {
      const mine = body.confirmedAppointments.filter((a) => a.staffId === staff.id);
      expect(mine).toEqual([
        {
          id: inside,
          staffId: staff.id,
          serviceId: service.id,
          start: "2099-06-02T00:30:00+02:00",
          end: "2099-06-02T01:30:00+02:00",
        },
      ]);
      expect(body.confirmedAppointments.map((a) => a.id)).not.toContain(before);
      expect(body.moreAppointments).toBe(false);
    } finally {
      expect((await api.admin("DELETE", `/v1/admin/closures/${body.id}`)).status).toBe(204);
    }
  });

  it("creates a closure, lists it, deletes it, then 404s on it", async () => {
    const res = await post({ ...valid, reason: "Christmas" });
    expect(res.status).toBe(201);
    const { confirmedAppointments, moreAppointments, ...closure } =
      (await res.json()) as Closure & {
        confirmedAppointments: unknown[];
        moreAppointments: boolean;
      };
    expect(closure).toEqual({
      id: expect.stringMatching(/^clo_[0-9a-z]{20}$/),
      ...valid,
      reason: "Christmas",
    });
    expect({ confirmedAppointments, moreAppointments }).toEqual({
      confirmedAppointments: [],
      moreAppointments: false,
    });
    expect(await listClosures()).toContainEqual(closure);
    expect((await api.admin("DELETE", `/v1/admin/closures/${closure.id}`)).status).toBe(204);
    expect((await listClosures()).map((c) => c.id)).not.toContain(closure.id);
    const again = await api.admin("DELETE", `/v1/admin/closures/${closure.id}`);
    await expectError(again, 404, "NOT_FOUND", "id: no such closure");
  });

  it("defaults the reason to empty, and accepts a single day", async () => {
    const res = await post({ startDate: "2099-01-01", endDate: "2099-01-01" });
    expect(res.status).toBe(201);
    const closure = (await res.json()) as Closure;
    expect(closure.reason).toBe("");
    expect((await api.admin("DELETE", `/v1/admin/closures/${closure.id}`)).status).toBe(204);
  });

  it.each([
    ["a missing startDate", { endDate: valid.endDate }, "body.startDate:"],
    ["a missing endDate", { startDate: valid.startDate }, "body.endDate:"],
    ["an impossible date", { ...valid, startDate: "2099-02-30" }, "body.startDate:"],
    [
      "a date-time instead of a date",
      { ...valid, endDate: "2099-12-26T00:00:00Z" },
      "body.endDate:",
    ],
    ["a numeric date", { ...valid, startDate: 20991224 }, "body.startDate:"],
    ["a reason over 200 characters", { ...valid, reason: "x".repeat(201) }, "body.reason:"],
    ["an unknown field", { ...valid, staffId: "stf_abcd" }, "body:"],
    [
      "an end before the start",
      { startDate: "2099-12-26", endDate: "2099-12-24" },
      "body.endDate: must not be before startDate",
    ],
    [
      "a span over 366 days",
      { startDate: "2098-01-01", endDate: "2099-01-02" },
      "body.endDate: a closure spans at most",
    ],
  ])("refuses %s with 400 naming the field, and creates nothing", async (_label, body, message) => {
    const before = await listClosures();
    await expectError(await post(body), 400, "BAD_REQUEST", message);
    const created = (await listClosures()).filter((c) => !before.some((b) => b.id === c.id));
    expect(created.filter((c) => c.startDate.startsWith("209"))).toEqual([]);
  });

  it("refuses malformed JSON and a bad id with 400", async () => {
    await expectError(await post("{"), 400, "BAD_REQUEST", "body: malformed JSON");
    const res = await api.admin("DELETE", "/v1/admin/closures/1;DROP");
    await expectError(res, 400, "BAD_REQUEST", "param.id:");
  });

  it("requires the admin token", async () => {
    await expectError(
      await api.request("/v1/admin/closures"),
      401,
      "UNAUTHORIZED",
      "header.authorization:",
    );
  });
});

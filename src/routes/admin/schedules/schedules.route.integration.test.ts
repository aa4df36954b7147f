import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";

const api = testApi();
const UNKNOWN_STAFF = "stf_doesnotexist0000000";

async function createStaff(): Promise<string> {
  const res = await api.admin("POST", "/v1/admin/staff", { name: "Sam", email: "sam@x.example" });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const iv = (start: string, end: string) => ({ start, end });
const schedulePath = (id: string) => `/v1/admin/staff/${id}/schedule`;
const putSchedule = (id: string, body: unknown) => api.admin("PUT", schedulePath(id), body);
const getSchedule = async (id: string) => (await api.admin("GET", schedulePath(id))).json();
const overridesPath = (id: string, rest = "") => `/v1/admin/staff/${id}/overrides${rest}`;
const putOverride = (id: string, date: string, body: unknown) =>
  api.admin("PUT", overridesPath(id, `/${date}`), body);
const listOverrides = async (id: string, query = "") =>
  (await (await api.admin("GET", overridesPath(id, query))).json()) as {
    overrides: { date: string }[];
  };
const bad = (res: Response, message: string) => expectError(res, 400, "BAD_REQUEST", message);

/** Bad working intervals, refused alike in weekly hours and in date overrides. */
const badIntervals: [string, unknown[], string][] = [
  ["a time of 25:00", [iv("09:00", "25:00")], "[0].end:"],
  ["a time without a colon", [iv("0900", "12:00")], "[0].start:"],
  ["a missing end", [{ start: "09:00" }], "[0].end:"],
  ["a number for a time", [{ start: 900, end: "12:00" }], "[0].start:"],
  ["an unknown interval field", [{ ...iv("09:00", "12:00"), room: 1 }], "[0]:"],
  ["an end before the start", [iv("12:00", "09:00")], "[0]: start must be before end"],
  ["an off-grid time", [iv("09:07", "12:00")], "[0]: 09:07 is not on the 15-minute grid"],
  ["overlapping intervals", [iv("10:00", "12:00"), iv("09:00", "10:30")], "[1]: overlaps [0]"],
  ["more than 24 intervals", Array(25).fill(iv("09:00", "10:00")), ":"],
];

describe("admin schedules", () => {
  it("a new staff member has no hours; PUT stores them sorted; GET returns them", async () => {
    const id = await createStaff();
    expect(await getSchedule(id)).toEqual({ staffId: id, weekly: {} });
    const monday = [iv("13:00", "17:00"), iv("09:00", "12:00")];
    const res = await putSchedule(id, {
      weekly: { monday, saturday: [iv("10:00", "24:00")], sunday: [] },
    });
    expect(res.status).toBe(200);
    const stored = {
      staffId: id,
      weekly: {
        monday: [iv("09:00", "12:00"), iv("13:00", "17:00")],
        saturday: [iv("10:00", "24:00")],
      },
    };
    expect(await res.json()).toEqual(stored);
    expect(await getSchedule(id)).toEqual(stored);
  });

  it.each([
    ["a missing weekly", {}, "body.weekly:"],
    ["an unknown weekday", { weekly: { funday: [] } }, "body.weekly:"],
    ["an unknown field", { weekly: {}, note: "x" }, "body:"],
    ["a string for a day", { weekly: { monday: "9-5" } }, "body.weekly.monday:"],
    ...badIntervals.map(([label, intervals, suffix]) => [
      label,
      { weekly: { monday: [], thursday: intervals } },
      `body.weekly.thursday${suffix}`,
    ]),
  ] as [string, unknown, string][])(
    "refuses weekly hours with %s (400, nothing stored)",
    async (_label, body, message) => {
      const id = await createStaff();
      await bad(await putSchedule(id, body), message);
      expect(await getSchedule(id)).toEqual({ staffId: id, weekly: {} });
    },
  );

  it("sets, lists by range and deletes date overrides", async () => {
    const id = await createStaff();
    const dayOff = await putOverride(id, "2026-12-24", { intervals: [] });
    expect(dayOff.status).toBe(200);
    const off = { staffId: id, date: "2026-12-24", intervals: [], note: "" };
    expect(await dayOff.json()).toEqual(off);
    const short = { intervals: [iv("10:00", "14:00")], note: "Training" };
    expect((await putOverride(id, "2026-12-31", short)).status).toBe(200);
    // Putting the same date again replaces it (an identical rewrite included).
    expect((await putOverride(id, "2026-12-31", short)).status).toBe(200);
    const dates = async (query: string) =>
      (await listOverrides(id, query)).overrides.map((o) => o.date);
    expect((await listOverrides(id)).overrides).toEqual([
      off,
      { staffId: id, date: "2026-12-31", ...short },
    ]);
    expect(await dates("?from=2026-12-25")).toEqual(["2026-12-31"]);
    expect(await dates("?from=2026-12-24&to=2026-12-24")).toEqual(["2026-12-24"]);
    expect((await api.admin("DELETE", overridesPath(id, "/2026-12-24"))).status).toBe(204);
    expect(await dates("")).toEqual(["2026-12-31"]);
    const again = await api.admin("DELETE", overridesPath(id, "/2026-12-24"));
    await expectError(again, 404, "NOT_FOUND", "date:");
  });

  it.each([
    ["a missing intervals", { note: "x" }, "body.intervals:"],
    ["an unknown field", { intervals: [], reason: "x" }, "body:"],
    ["a note over 200 characters", { intervals: [], note: "x".repeat(201) }, "body.note:"],
    ...badIntervals.map(([label, intervals, suffix]) => [
      label,
      { intervals },
      `body.intervals${suffix}`,
    ]),
  ] as [string, unknown, string][])(
    "refuses an override with %s (400, nothing stored)",
    async (_label, body, message) => {
      const id = await createStaff();
      await bad(await putOverride(id, "2026-12-24", body), message);
      expect(await listOverrides(id)).toEqual({ overrides: [] });
    },
  );

  it("refuses impossible dates, a reversed range and bad ids with 400", async () => {
    const id = await createStaff();
    await bad(await putOverride(id, "2026-02-30", { intervals: [] }), "param.date:");
    await bad(await putOverride(id, "24-12-2026", { intervals: [] }), "param.date:");
    await bad(await api.admin("DELETE", overridesPath(id, "/2026-13-01")), "param.date:");
    await bad(await api.admin("GET", overridesPath(id, "?from=2026-02-30")), "query.from:");
    await bad(
      await api.admin("GET", overridesPath(id, "?from=2026-12-31&to=2026-12-01")),
      "query.to:",
    );
    await bad(await api.admin("GET", schedulePath("DROP%20TABLE")), "param.id:");
    await bad(await putOverride("not-an-id", "2026-12-24", { intervals: [] }), "param.id:");
  });

  it("answers 404 NOT_FOUND for an unknown staff member", async () => {
    const notFound = (res: Response) =>
      expectError(res, 404, "NOT_FOUND", "id: no such staff member");
    await notFound(await api.admin("GET", schedulePath(UNKNOWN_STAFF)));
    await notFound(await putSchedule(UNKNOWN_STAFF, { weekly: {} }));
    await notFound(await api.admin("GET", overridesPath(UNKNOWN_STAFF)));
    await notFound(await putOverride(UNKNOWN_STAFF, "2026-12-24", { intervals: [] }));
  });

  it("requires the admin token", async () => {
    const res = await api.request(schedulePath(UNKNOWN_STAFF));
    await expectError(res, 401, "UNAUTHORIZED", "header.authorization:");
  });
});

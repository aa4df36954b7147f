import { beforeAll, describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../../test/fixtures/catalog-fixtures.ts";
import { insertAppointment, withDb } from "../../../../test/stack/db-direct.ts";

const api = testApi();
const HOUR_MS = 3_600_000;
const monday = upcomingMonday(7);
const mondayMs = Date.parse(`${monday}T00:00:00Z`);
/** UTC instant `day` days after the Monday, at `hour` o'clock. */
const at = (day: number, hour: number) => mondayMs + day * 24 * HOUR_MS + hour * HOUR_MS;
const utcDay = (day: number) => new Date(at(day, 0)).toISOString().slice(0, 10);

type Page = { appointments: { id: string; status: string }[]; nextCursor: string | null };
async function list(query: string): Promise<Page> {
  const res = await api.admin("GET", `/v1/admin/appointments?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}
const ids = async (query: string) => (await list(query)).appointments.map((a) => a.id);

/** Six appointments of one staff member over three days, and one of another, all fresh ids. */
let staffId: string;
let otherStaffId: string;
let mine: string[];
let other: string;

beforeAll(async () => {
  const service = await createTestService(api, { bufferAfterMin: 0 });
  staffId = (await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" })).id;
  otherStaffId = (await createTestStaff(api, { serviceIds: [service.id] })).id;
  const book = (id: string, day: number, hour: number) =>
    insertAppointment({
      staffId: id,
      serviceId: service.id,
      startMs: at(day, hour),
      endMs: at(day, hour + 1),
    });
  // Inserted out of order: the listing sorts by start.
  const slots: [number, number][] = [
    [2, 9],
    [0, 11],
    [0, 9],
    [1, 10],
    [0, 10],
    [1, 9],
  ];
  const inserted = new Map<string, string>();
  for (const [day, hour] of slots) inserted.set(`${day}:${hour}`, await book(staffId, day, hour));
  const order = ["0:9", "0:10", "0:11", "1:9", "1:10", "2:9"];
  mine = order.map((key) => inserted.get(key) ?? "");
  other = await book(otherStaffId, 0, 9);
});

describe("GET /v1/admin/appointments", () => {
  it("pages through one staff member's appointments by start, 2 a page, in exactly 3 pages", async () => {
    const first = await list(`staffId=${staffId}&limit=2`);
    expect(first.appointments.map((a) => a.id)).toEqual(mine.slice(0, 2));
    const second = await list(`staffId=${staffId}&limit=2&cursor=${first.nextCursor}`);
    expect(second.appointments.map((a) => a.id)).toEqual(mine.slice(2, 4));
    const third = await list(`staffId=${staffId}&limit=2&cursor=${second.nextCursor}`);
    expect(third.appointments.map((a) => a.id)).toEqual(mine.slice(4, 6));
    expect(third.nextCursor).toBeNull();
  });

  it("pages a full 200 with a cursor when a 201st follows, and then the last one", async () => {
    const service = await createTestService(api, { bufferAfterMin: 0 });
    const staff = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const inserted: string[] = [];
    for (let i = 0; i < 201; i++) {
      const startMs = at(0, 0) + i * HOUR_MS;
      inserted.push(
        await insertAppointment({
          staffId: staff.id,
          serviceId: service.id,
          startMs,
          endMs: startMs + HOUR_MS,
        }),
      );
    }
    const first = await list(`staffId=${staff.id}&limit=200`);
    expect(first.appointments.map((a) => a.id)).toEqual(inserted.slice(0, 200));
    const last = await list(`staffId=${staff.id}&limit=200&cursor=${first.nextCursor}`);
    expect(last).toEqual({
      appointments: [expect.objectContaining({ id: inserted[200] })],
      nextCursor: null,
    });
  });

  it("filters by staff member", async () => {
    expect(await ids(`staffId=${otherStaffId}`)).toEqual([other]);
  });

  it("filters by UTC day range, `to` exclusive", async () => {
    expect(await ids(`staffId=${staffId}&from=${utcDay(1)}&to=${utcDay(2)}`)).toEqual(
      mine.slice(3, 5),
    );
    expect(await ids(`staffId=${staffId}&from=${utcDay(1)}`)).toEqual(mine.slice(3));
    expect(await ids(`staffId=${staffId}&to=${utcDay(1)}`)).toEqual(mine.slice(0, 3));
    // Without a staff filter the day holds other tests' appointments too (the test database is
    // shared and kept), so walk every page and look for ours.
    const everyone: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `from=${utcDay(0)}&to=${utcDay(1)}&limit=200${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await (await api.admin("GET", `/v1/admin/appointments?${query}`)).json()) as {
        appointments: { id: string }[];
        nextCursor: string | null;
      };
      everyone.push(...page.appointments.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(everyone).toEqual(expect.arrayContaining([...mine.slice(0, 3), other]));
  });

  it("filters by status", async () => {
    const cancelled = mine[4] ?? "";
    const res = await api.admin("POST", `/v1/admin/appointments/${cancelled}/cancel`);
    expect(res.status).toBe(200);
    expect(await ids(`staffId=${staffId}&status=cancelled`)).toEqual([cancelled]);
    expect(await ids(`staffId=${staffId}&status=confirmed`)).toEqual(
      mine.filter((id) => id !== cancelled),
    );
  });

  it("filters by a part of the customer's name, any case; % and _ are plain characters", async () => {
    const surname = `Weber${crypto.randomUUID().slice(0, 8)}`;
    const [first, second] = [mine[0] ?? "", mine[3] ?? ""];
    await withDb(async (conn) => {
      await conn.query("UPDATE appointments SET customer_name = ? WHERE id = ?", [
        `Mia ${surname}`,
        first,
      ]);
      await conn.query("UPDATE appointments SET customer_name = ? WHERE id = ?", [
        `Jo ${surname}_%`,
        second,
      ]);
    });
    expect(await ids(`customerName=${surname.toLowerCase()}`)).toEqual([first, second]);
    expect(await ids(`customerName=${encodeURIComponent(`mia ${surname}`)}`)).toEqual([first]);
    expect(await ids(`customerName=${encodeURIComponent(`${surname}_%`)}`)).toEqual([second]);
    expect(await ids(`customerName=${encodeURIComponent(`${surname}%`)}`)).toEqual([]);
    await expectError(
      await api.admin("GET", "/v1/admin/appointments?customerName="),
      400,
      "BAD_REQUEST",
      "query.customerName",
    );
  });

  it.each([
    ["a cursor that is not base64url", "cursor=%21%21%21", "query.cursor:"],
    [
      "a cursor that decodes to garbage",
      `cursor=${btoa("hello").replace(/=+$/, "")}`,
      "query.cursor:",
    ],
    ["a cursor with a bad id", `cursor=${btoa("1:x").replace(/=+$/, "")}`, "query.cursor:"],
    ["an unknown status", "status=pending", "query.status:"],
    ["an impossible date", "from=2026-02-30", "query.from:"],
    ["a date in another format", "to=07.12.2026", "query.to:"],
    ["`to` not after `from`", "from=2026-12-07&to=2026-12-07", "query.to:"],
    ["a limit of 0", "limit=0", "query.limit:"],
    ["a limit of 201", "limit=201", "query.limit:"],
    ["a bad staff id", "staffId=DROP%20TABLE", "query.staffId:"],
    ["an unknown parameter", "page=2", "query:"],
  ])("refuses %s with 400 naming the field", async (_label, query, message) => {
    const res = await api.admin("GET", `/v1/admin/appointments?${query}`);
    await expectError(res, 400, "BAD_REQUEST", message);
  });

  it("reads one appointment by id (any status, with its answers: none here); an unknown id is 404", async () => {
    const [id] = mine;
    const res = await api.admin("GET", `/v1/admin/appointments/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, staffId, status: "confirmed", answers: [] });
    await expectError(
      await api.admin("GET", "/v1/admin/appointments/apt_00000000000000000000"),
      404,
      "NOT_FOUND",
      "id: no such appointment",
    );
  });

  it("answers 401 without the admin token", async () => {
    await expectError(await api.request("/v1/admin/appointments"), 401, "UNAUTHORIZED");
  });
});

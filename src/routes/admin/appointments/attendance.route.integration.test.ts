/**
 * Attendance on the real stack, on the harness's fixed clock: `attended` / `no_show` after the
 * start only, idempotent repeats (no history row, no webhook), undo within 7 days, the admin
 * list's status and email filters, and the optional no-show limit on new bookings.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectError } from "../../../../test/drivers/api.ts";
import {
  bookAt,
  harness,
  type Receiver,
  startReceiver,
} from "../../../../test/drivers/integrations.ts";
import { createTestService, createTestStaff } from "../../../../test/fixtures/catalog-fixtures.ts";
import { type LiveFixture, liveFixture } from "../../../../test/fixtures/live-fixtures.ts";
import { insertAppointment, withDb } from "../../../../test/stack/db-direct.ts";
import { TEST_STACK, uniqueId } from "../../../../test/stack/stack-env.ts";

const h = harness();
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const cleanup: (() => Promise<unknown>)[] = [];
let receiver: Receiver;
let live: LiveFixture;
let serviceId: string;
let staffId: string;

beforeAll(async () => {
  receiver = await startReceiver();
  const res = await h.admin("POST", "/v1/admin/webhooks", {
    url: receiver.url,
    events: ["appointment.no_show", "appointment.attended"],
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { webhook } = (await res.json()) as { webhook: { id: string } };
  cleanup.push(() => h.admin("DELETE", `/v1/admin/webhooks/${webhook.id}`));
  serviceId = (await createTestService(h, { bufferAfterMin: 0 })).id;
  staffId = (await createTestStaff(h, { serviceIds: [serviceId], timeZone: "UTC" })).id;
  live = await liveFixture(h);
});

beforeEach(() => {
  h.clock.current = Date.now();
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await receiver.close();
});

/**
 * An appointment row of this file's staff member starting `hoursFromNow` after the clock's now
 * (without cells: attendance never looks at them, and rows at one time may then coexist).
 */
async function insertAt(hoursFromNow: number, customerEmail?: string): Promise<string> {
  const startMs = h.clock.current + hoursFromNow * HOUR_MS;
  const id = await insertAppointment({ staffId, serviceId, startMs, endMs: startMs + HOUR_MS });
  if (customerEmail)
    await withDb((conn) =>
      conn.query("UPDATE appointments SET customer_email = ? WHERE id = ?", [customerEmail, id]),
    );
  return id;
}

const mark = (id: string, status: unknown) =>
  h.admin("POST", `/v1/admin/appointments/${id}/attendance`, { status });

async function marked(id: string, status: string) {
  const res = await mark(id, status);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as {
    id: string;
    status: string;
    attendanceChangedAt: string | null;
    attendanceChangedBy: string | null;
  };
}

type Change = { from_status: string; to_status: string; actor: string; changed_at: Date };

async function history(id: string): Promise<Omit<Change, "changed_at">[]> {
  const [rows] = await withDb((conn) =>
    conn.query(
      "SELECT from_status, to_status, actor FROM appointment_status_changes WHERE appointment_id = ? ORDER BY changed_at, id",
      [id],
    ),
  );
  return rows as Omit<Change, "changed_at">[];
}

/** The webhook deliveries the receiver got about one appointment, by type. */
async function webhooksAbout(id: string): Promise<string[]> {
  await h.settle();
  return receiver.received
    .map((r) => JSON.parse(r.body) as { type: string; data: { appointment: { id: string } } })
    .filter((event) => event.data.appointment.id === id)
    .map((event) => event.type);
}

describe("POST /v1/admin/appointments/{id}/attendance", () => {
  it("refuses a mark before the start with 409 NOT_STARTED, changing nothing", async () => {
    const id = await insertAt(2);
    await expectError(await mark(id, "no_show"), 409, "NOT_STARTED", "body.status:");
    await expectError(await mark(id, "attended"), 409, "NOT_STARTED", "body.status:");
    // Setting the status it has is no change, whenever it comes.
    expect((await marked(id, "confirmed")).attendanceChangedAt).toBeNull();
    expect(await history(id)).toEqual([]);
    expect(await webhooksAbout(id)).toEqual([]);
  });

  it("marks a no-show after the start, recording who and when, once: a repeat is a no-op", async () => {
    const id = await insertAt(-1);
    const first = await marked(id, "no_show");
    expect(first).toMatchObject({
      id,
      status: "no_show",
      attendanceChangedAt: new Date(h.clock.current).toISOString(),
      attendanceChangedBy: "admin",
    });
    h.clock.advance(60_000);
    const again = await marked(id, "no_show");
    expect(again).toEqual(first);
    expect(await history(id)).toEqual([
      { from_status: "confirmed", to_status: "no_show", actor: "admin" },
    ]);
    expect(await webhooksAbout(id)).toEqual(["appointment.no_show"]);
  });

  it("marks attended, switches to no_show and back to confirmed within 7 days; after 7 days a mark is final", async () => {
    const id = await insertAt(-2);
    await marked(id, "attended");
    h.clock.advance(3 * DAY_MS);
    await marked(id, "no_show");
    h.clock.advance(3 * DAY_MS);
    const undone = await marked(id, "confirmed");
    expect(undone).toMatchObject({ status: "confirmed", attendanceChangedBy: "admin" });
    expect(undone.attendanceChangedAt).toBe(new Date(h.clock.current).toISOString());
    h.clock.advance(60_000);
    await marked(id, "no_show");
    // Past 7 days after the start (by 4 hours): the mark stays as it is.
    h.clock.advance(DAY_MS + 2 * HOUR_MS);
    await expectError(await mark(id, "confirmed"), 409, "ATTENDANCE_FINAL", "body.status:");
    await expectError(await mark(id, "attended"), 409, "ATTENDANCE_FINAL", "body.status:");
    expect((await marked(id, "no_show")).status).toBe("no_show");
    expect(await history(id)).toEqual([
      { from_status: "confirmed", to_status: "attended", actor: "admin" },
      { from_status: "attended", to_status: "no_show", actor: "admin" },
      { from_status: "no_show", to_status: "confirmed", actor: "admin" },
      { from_status: "confirmed", to_status: "no_show", actor: "admin" },
    ]);
    // Setting `confirmed` back sends nothing; each mark sends its event.
    expect((await webhooksAbout(id)).sort()).toEqual([
      "appointment.attended",
      "appointment.no_show",
      "appointment.no_show",
    ]);
  });

  it("takes an admin Idempotency-Key: a retry replays the first answer and changes nothing", async () => {
    const id = await insertAt(-1);
    const key = uniqueId("idem-");
    const send = (status: string) =>
      h.request(`/v1/admin/appointments/${id}/attendance`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${TEST_STACK.adminToken}`,
          "Content-Type": "application/json",
          "Idempotency-Key": key,
        },
        body: JSON.stringify({ status }),
      });
    const first = await send("no_show");
    expect(first.status).toBe(200);
    const firstBody = await first.text();
    h.clock.advance(60_000);
    await marked(id, "confirmed");
    const retry = await send("no_show");
    expect(retry.status).toBe(200);
    expect(await retry.text()).toBe(firstBody);
    expect(await history(id)).toEqual([
      { from_status: "confirmed", to_status: "no_show", actor: "admin" },
      { from_status: "no_show", to_status: "confirmed", actor: "admin" },
    ]);
    await expectError(await send("attended"), 409, "IDEMPOTENCY_CONFLICT");
  });

  it("an appointment never marked can be marked long after its start", async () => {
    const id = await insertAt(-24 * 30);
    expect((await marked(id, "attended")).status).toBe("attended");
  });

  it("refuses a cancelled appointment with 409 CONFLICT and an unknown one with 404", async () => {
    const id = await insertAt(-1);
    await withDb((conn) =>
      conn.query("UPDATE appointments SET status = 'cancelled' WHERE id = ?", [id]),
    );
    await expectError(await mark(id, "no_show"), 409, "CONFLICT", "id:");
    await expectError(await mark("apt_nosuchappointment", "no_show"), 404, "NOT_FOUND", "id:");
  });

  it.each([
    ["an unknown status", { status: "late" }, "body.status:"],
    ["the status `cancelled`", { status: "cancelled" }, "body.status:"],
    ["no status", {}, "body.status:"],
    ["an unknown field", { status: "no_show", by: "ana" }, "body:"],
  ])("refuses %s with 400 naming the field", async (_label, body, message) => {
    const res = await h.admin("POST", "/v1/admin/appointments/apt_whatever1/attendance", body);
    await expectError(res, 400, "BAD_REQUEST", message);
  });

  it("refuses a malformed id with 400 and answers 401 without the admin token", async () => {
    await expectError(await mark("DROP%20TABLE", "no_show"), 400, "BAD_REQUEST", "param.id:");
    const res = await h.request("/v1/admin/appointments/apt_whatever1/attendance", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: "no_show" }),
    });
    await expectError(res, 401, "UNAUTHORIZED");
  });
});

describe("GET /v1/admin/appointments by attendance and customer", () => {
  it("filters by status and by email (any case): a customer's no-shows", async () => {
    const email = `${uniqueId("ns")}@example.test`;
    const [a, b, c, other] = [
      await insertAt(-5, email),
      await insertAt(-4, email),
      await insertAt(-3, email),
      await insertAt(-2),
    ];
    await marked(a ?? "", "no_show");
    await marked(b ?? "", "attended");
    await marked(c ?? "", "no_show");
    await marked(other ?? "", "no_show");
    const ids = async (query: string) => {
      const res = await h.admin("GET", `/v1/admin/appointments?${query}`);
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as { appointments: { id: string }[] }).appointments.map(
        (x) => x.id,
      );
    };
    const upper = encodeURIComponent(email.toUpperCase());
    expect(await ids(`customerEmail=${upper}&status=no_show`)).toEqual([a, c]);
    expect(await ids(`customerEmail=${encodeURIComponent(email)}&status=attended`)).toEqual([b]);
    expect(await ids(`customerEmail=${encodeURIComponent(email)}`)).toEqual([a, b, c]);
    expect(await ids(`staffId=${staffId}&status=no_show&customerEmail=${upper}`)).toEqual([a, c]);
  });

  it("serves the email filter from an index", async () => {
    const [rows] = await withDb((conn) =>
      conn.query(
        "EXPLAIN SELECT id FROM appointments WHERE customer_email = 'x@example.test' AND status = 'no_show' AND start_at > '2026-01-01'",
      ),
    );
    expect((rows as { key: string | null }[])[0]?.key).toBe("appointments_by_email_status");
  });

  it.each([
    ["an email that is not one", "customerEmail=mia", "query.customerEmail:"],
    ["an unknown status", "status=late", "query.status:"],
  ])("refuses %s with 400 naming the field", async (_label, query, message) => {
    const res = await h.admin("GET", `/v1/admin/appointments?${query}`);
    await expectError(res, 400, "BAD_REQUEST", message);
  });
});

describe("settings noShowLimit", () => {
  it("refuses a new booking from an email at the limit with 409 NO_SHOW_LIMIT, until the window passes", async () => {
    const email = `${uniqueId("limit")}@example.test`;
    const customer = { name: "Mia Weber", email };
    const first = await insertAt(-24 * 10, email);
    const second = await insertAt(-24 * 5, email);
    await marked(first, "no_show");
    await marked(second, "no_show");
    // Off by default: two no-shows refuse nothing.
    await bookAt(h, live, "09:00", customer);
    const put = (noShowLimit: unknown) => h.admin("PUT", "/v1/admin/settings", { noShowLimit });
    expect((await put({ count: 2, days: 30 })).status).toBe(200);
    cleanup.push(() => put(null));
    const refused = await bookWith(email.toUpperCase());
    await expectError(refused, 409, "NO_SHOW_LIMIT", "customer.email: 2 no-shows");
    // One of them falls out of the 30 days: 1 < 2, the booking goes through.
    await withDb((conn) =>
      conn.query(
        "UPDATE appointments SET start_at = start_at - INTERVAL 21 DAY, end_at = end_at - INTERVAL 21 DAY WHERE id = ?",
        [first],
      ),
    );
    expect((await bookWith(email)).status).toBe(201);
    expect((await put(null)).status).toBe(200);
  });
});

/** Holds the next free slot of the live fixture and books it for `email`. */
async function bookWith(email: string): Promise<Response> {
  const free = (await live.slots()).find((s) => s.state === "available");
  if (!free) throw new Error("no free slot left");
  const held = await live.post("/v1/holds", {
    clientId: uniqueId("client_"),
    serviceId: live.serviceId,
    staffId: live.staffId,
    start: free.start,
  });
  expect(held.status, await held.clone().text()).toBe(201);
  const { holdId, holdToken } = (await held.json()) as { holdId: string; holdToken: string };
  return h.request("/v1/appointments", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": uniqueId("idem-") },
    body: JSON.stringify({ holdId, holdToken, customer: { name: "Mia Weber", email } }),
  });
}

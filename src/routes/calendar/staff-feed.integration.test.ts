/**
 * GET /v1/staff/{id}/calendar.ics?key=…: lists exactly the staff member's confirmed appointments
 * that are not over and start within 90 days; the key is created, rotated and revoked by an admin
 * and a wrong key is 404.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../../../test/drivers/api.ts";
import { bookAt, harness, parseCalendar } from "../../../test/drivers/integrations.ts";
import { createTestStaff } from "../../../test/fixtures/catalog-fixtures.ts";
import { type LiveFixture, liveFixture } from "../../../test/fixtures/live-fixtures.ts";
import { insertAppointment, withDb } from "../../../test/stack/db-direct.ts";

const h = harness({ PUBLIC_BASE_URL: "https://book.example" });
let live: LiveFixture;

async function newKey(staffId: string): Promise<{ key: string; url: string }> {
  const res = await h.admin("POST", `/v1/admin/staff/${staffId}/calendar-key`);
  expect(res.status).toBe(201);
  return (await res.json()) as { key: string; url: string };
}

const feed = (staffId: string, key: string) =>
  h.request(`/v1/staff/${staffId}/calendar.ics?key=${encodeURIComponent(key)}`);

beforeAll(async () => {
  live = await liveFixture(h, { name: "Massage", durationMin: 60, bufferAfterMin: 0 });
});

describe("GET /v1/staff/{id}/calendar.ics", () => {
  it("lists exactly the confirmed appointments that are not over and start within 90 days", async () => {
    const now = h.clock.nowMs();
    const kept = [
      (await bookAt(h, live, "09:00", { name: "Ada", email: "ada@example.test" })).appointment,
      (await bookAt(h, live, "11:00", { name: "Bo", email: "bo@example.test" })).appointment,
    ];
    const cancelled = await bookAt(h, live, "13:00");
    const cancel = await h.admin(
      "POST",
      `/v1/admin/appointments/${cancelled.appointment.id}/cancel`,
    );
    expect(cancel.status).toBe(200);
    const at = (ms: number) => ({
      staffId: live.staffId,
      serviceId: live.serviceId,
      startMs: ms,
      endMs: ms + 3_600_000,
    });
    const running = await insertAppointment(at(now - 30 * 60_000)); // started, not over: listed
    const over = await insertAppointment(at(now - 3 * 3_600_000)); // over
    const tooFar = await insertAppointment(at(now + 91 * 86_400_000)); // beyond 90 days
    const others = await createTestStaff(h, { serviceIds: [live.serviceId] });
    await insertAppointment({ ...at(now + 86_400_000), staffId: others.id }); // someone else's

    const { key, url } = await newKey(live.staffId);
    expect(url).toBe(`https://book.example/v1/staff/${live.staffId}/calendar.ics?key=${key}`);
    const res = await feed(live.staffId, key);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    const text = await res.text();
    expect(text).toContain("X-WR-CALNAME:Test staff — Test business");
    const { method, events } = parseCalendar(text);
    expect(method).toBeNull(); // a subscription feed carries no METHOD
    const uids = events.map((e) => e.uid.split("@")[0]).sort();
    expect(uids).toEqual([...kept.map((a) => a.id), running].sort());
    expect(uids).not.toContain(over);
    expect(uids).not.toContain(tooFar);
    const ada = events.find((e) => e.uid.startsWith(kept[0]?.id ?? "-"));
    expect(ada).toMatchObject({
      summary: "Massage: Ada",
      location: "Test business",
      status: "CONFIRMED",
      startMs: Date.parse(kept[0]?.start ?? ""),
    });
    expect(ada?.description).toContain("ada@example.test");
  });

  it("answers 404 for a wrong key, a rotated-away key, a revoked key and a staff member without one", async () => {
    const first = await newKey(live.staffId);
    expect((await feed(live.staffId, first.key)).status).toBe(200);
    await expectError(await feed(live.staffId, `${first.key.slice(0, -2)}xx`), 404, "NOT_FOUND");

    const second = await newKey(live.staffId);
    await expectError(await feed(live.staffId, first.key), 404, "NOT_FOUND");
    expect((await feed(live.staffId, second.key)).status).toBe(200);

    const others = await createTestStaff(h, { serviceIds: [live.serviceId] });
    await expectError(await feed(others.id, second.key), 404, "NOT_FOUND");

    expect((await h.admin("DELETE", `/v1/admin/staff/${live.staffId}/calendar-key`)).status).toBe(
      204,
    );
    await expectError(await feed(live.staffId, second.key), 404, "NOT_FOUND");
    await expectError(
      await h.admin("DELETE", `/v1/admin/staff/${live.staffId}/calendar-key`),
      404,
      "NOT_FOUND",
    );
  });

  it("stores only the key's hash", async () => {
    const { key } = await newKey(live.staffId);
    const stored = await withDb(async (conn) => {
      const [rows] = await conn.query(
        "SELECT key_hash FROM staff_calendar_keys WHERE staff_id = ?",
        [live.staffId],
      );
      return String((rows as { key_hash: string }[])[0]?.key_hash);
    });
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(key);
  });

  it("refuses a missing or malformed key with 400, and an unknown staff member's key route with 404", async () => {
    await expectError(
      await h.request(`/v1/staff/${live.staffId}/calendar.ics`),
      400,
      "BAD_REQUEST",
      "query.key",
    );
    await expectError(await feed(live.staffId, "short"), 400, "BAD_REQUEST", "query.key");
    await expectError(
      await h.admin("POST", "/v1/admin/staff/stf_doesnotexist00/calendar-key"),
      404,
      "NOT_FOUND",
    );
    await expectError(
      await h.request(`/v1/admin/staff/${live.staffId}/calendar-key`, { method: "POST" }),
      401,
      "UNAUTHORIZED",
    );
  });
});

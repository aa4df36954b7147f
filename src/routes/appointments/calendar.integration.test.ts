/**
 * GET /v1/appointments/{id}/calendar.ics and the emails' calendar files, parsed back with ical.js:
 * times match the appointment in its zone, the UID is stable across a reschedule while SEQUENCE
 * grows, and a cancel is METHOD:CANCEL / STATUS:CANCELLED.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../../../test/drivers/api.ts";
import {
  type Booked,
  bookAt,
  harness,
  parseCalendar,
  rescheduleTo,
} from "../../../test/drivers/integrations.ts";
import { type LiveFixture, liveFixture } from "../../../test/fixtures/live-fixtures.ts";
import { withDb } from "../../../test/stack/db-direct.ts";
import { TEST_SETTINGS } from "../../../test/stack/stack-env.ts";

const h = harness({ PUBLIC_BASE_URL: "https://book.example" });
let live: LiveFixture;

/** "HH:MM" of an instant in the business's zone (the staff member has no zone of their own). */
const localTime = (ms: number) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone: TEST_SETTINGS.timeZone,
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(ms));

async function ics(id: string, how: { header?: string; query?: string } = {}) {
  const path = `/v1/appointments/${id}/calendar.ics${how.query ? `?token=${encodeURIComponent(how.query)}` : ""}`;
  return h.request(path, how.header ? { headers: { "X-Manage-Token": how.header } } : {});
}

async function calendarOf(id: string, token: string) {
  const res = await ics(id, { header: token });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
  return parseCalendar(await res.text());
}

beforeAll(async () => {
  live = await liveFixture(h, { name: "Haircut", durationMin: 45, bufferAfterMin: 0 });
});

describe("GET /v1/appointments/{id}/calendar.ics", () => {
  let booked: Booked;
  beforeAll(async () => {
    booked = await bookAt(h, live, "10:00");
  });

  it("is one VEVENT whose times are the appointment's, 10:00 in its zone, with service, staff and business", async () => {
    const { method, events } = await calendarOf(booked.appointment.id, booked.manageToken);
    expect(method).toBe("PUBLISH");
    expect(events).toEqual([
      {
        uid: `${booked.appointment.id}@book.example`,
        sequence: 0,
        status: "CONFIRMED",
        startMs: Date.parse(booked.appointment.start),
        endMs: Date.parse(booked.appointment.end),
        summary: "Haircut with Test staff",
        location: "Test business",
        description: expect.stringContaining(
          `https://book.example/manage?id=${booked.appointment.id}&token=`,
        ),
      },
    ]);
    expect(localTime(events[0]?.startMs ?? 0)).toBe("10:00");
    expect(booked.appointment.start.slice(11, 16)).toBe("10:00");
  });

  it("opens with ?token= (for links in emails and on the manage page), and to nobody else", async () => {
    const viaQuery = await ics(booked.appointment.id, { query: booked.manageToken });
    expect(viaQuery.status).toBe(200);
    expect(parseCalendar(await viaQuery.text()).events).toHaveLength(1);

    const other = await bookAt(h, live, "14:00");
    await expectError(await ics(booked.appointment.id), 404, "NOT_FOUND");
    await expectError(
      await ics(booked.appointment.id, { query: other.manageToken }),
      404,
      "NOT_FOUND",
    );
    await expectError(
      await ics(booked.appointment.id, { header: other.manageToken }),
      404,
      "NOT_FOUND",
    );
    await expectError(await ics(booked.appointment.id, { query: "short" }), 400, "BAD_REQUEST");
  });

  it("keeps the UID across a reschedule with a higher SEQUENCE; the old time reads as cancelled; a cancel is METHOD:CANCEL", async () => {
    const first = await bookAt(h, live, "11:00");
    const before = (await calendarOf(first.appointment.id, first.manageToken)).events[0];
    const moved = await rescheduleTo(
      h,
      live,
      { id: first.appointment.id, manageToken: first.manageToken },
      "15:00",
    );
    const after = await calendarOf(moved.id, first.manageToken);
    expect(after.method).toBe("PUBLISH");
    expect(after.events[0]).toMatchObject({
      uid: before?.uid,
      status: "CONFIRMED",
      startMs: Date.parse(moved.start),
    });
    expect(after.events[0]?.sequence).toBeGreaterThan(before?.sequence ?? 0);
    expect(localTime(after.events[0]?.startMs ?? 0)).toBe("15:00");

    // The moved-away appointment's file cancels with a SEQUENCE between the two: a calendar that
    // meets it after the moved event keeps the moved one.
    const old = await calendarOf(first.appointment.id, first.manageToken);
    expect(old.method).toBe("CANCEL");
    expect(old.events[0]?.status).toBe("CANCELLED");
    expect(old.events[0]?.sequence).toBeGreaterThan(before?.sequence ?? 0);
    expect(old.events[0]?.sequence).toBeLessThan(after.events[0]?.sequence ?? 0);

    const cancel = await h.request(`/v1/appointments/${moved.id}/cancel`, {
      method: "POST",
      headers: { "X-Manage-Token": first.manageToken },
    });
    expect(cancel.status).toBe(200);
    const cancelled = await calendarOf(moved.id, first.manageToken);
    expect(cancelled.method).toBe("CANCEL");
    expect(cancelled.events[0]).toMatchObject({ uid: before?.uid, status: "CANCELLED" });
    expect(cancelled.events[0]?.sequence).toBeGreaterThan(after.events[0]?.sequence ?? 0);
  });
});

type EmailRow = { kind: string; subject: string; body: string; html: string; attachments: string };

async function emailsTo(email: string): Promise<EmailRow[]> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT kind, subject, body, html, attachments FROM outbox_emails WHERE to_email = ? ORDER BY created_at, id",
      [email],
    );
    return rows as EmailRow[];
  });
}

describe("booking emails", () => {
  it("the confirmation and the reschedule email carry the calendar file, the manage and cancel links, and the facts", async () => {
    const email = `mia-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
    const booked = await bookAt(h, live, "09:00", { name: "Mia Weber", email });
    const moved = await rescheduleTo(
      h,
      live,
      { id: booked.appointment.id, manageToken: booked.manageToken },
      "16:00",
    );
    const rows = await emailsTo(email);
    expect(rows.map((r) => r.kind).sort()).toEqual(["confirmation", "reschedule"]);
    const confirmation = rows.find((r) => r.kind === "confirmation");
    const reschedule = rows.find((r) => r.kind === "reschedule");
    const token = encodeURIComponent(booked.manageToken);
    for (const [row, id, hhmm] of [
      [confirmation, booked.appointment.id, "09:00"],
      [reschedule, moved.id, "16:00"],
    ] as const) {
      const manage = `https://book.example/manage?id=${id}&token=${token}`;
      expect(row?.body).toContain(manage);
      expect(row?.html).toContain(manage.replace("&", "&amp;"));
      for (const part of [row?.body ?? "", row?.html ?? ""]) {
        expect(part).toContain("Haircut");
        expect(part).toContain("Test staff");
        expect(part).toContain("Test business");
        expect(part).toContain("€50.00");
        expect(part).toContain(`${hhmm}–`);
        // The zone in words (Europe/Berlin's name in English, at the appointment's date).
        expect(part).toMatch(/\(Central European (Standard|Summer) Time\)/);
      }
      expect(row?.body).toContain(
        `https://book.example/manage?id=${id}&token=${token}&action=cancel`,
      );
      const [attachment] = JSON.parse(row?.attachments ?? "[]") as { content: string }[];
      const parsed = parseCalendar(attachment?.content ?? "");
      expect(parsed.events.map((e) => localTime(e.startMs))).toEqual([hhmm]);
    }
  });
});

describe("the manage link when the token is not at hand", () => {
  it("an admin's reschedule of an already moved appointment emails the customer's original manage token", async () => {
    const email = `ana-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
    const booked = await bookAt(h, live, "13:00", { name: "Ana", email });
    const moved = await rescheduleTo(
      h,
      live,
      { id: booked.appointment.id, manageToken: booked.manageToken },
      "15:00", // freed by the cancel above
    );
    // Admin override: after working hours is allowed, and 17:00 is free.
    const newStart = new Date(Date.parse(moved.start) + 2 * 3_600_000)
      .toISOString()
      .replace(/\.000Z$/, "+00:00");
    const res = await h.admin("POST", `/v1/admin/appointments/${moved.id}/reschedule`, {
      start: newStart,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const { appointment } = (await res.json()) as { appointment: { id: string } };
    const byAdmin = (await emailsTo(email)).filter((r) => r.body.includes(appointment.id));
    expect(byAdmin.map((r) => r.kind)).toEqual(["reschedule"]);
    expect(byAdmin[0]?.body).toContain(
      `https://book.example/manage?id=${appointment.id}&token=${encodeURIComponent(booked.manageToken)}`,
    );
  });
});

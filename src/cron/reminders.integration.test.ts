/**
 * Reminders on the real stack, with the Cron Trigger's reminder pass run on a fixed clock. Every
 * test uses its own far-future times (the test database is shared and kept between runs, so a
 * window of time is what keeps one test's reminders from another's) and asserts on its own
 * appointments only.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  bookAt,
  harness,
  parseCalendar,
  type Receiver,
  startReceiver,
} from "../../test/drivers/integrations.ts";
import { createTestService, createTestStaff } from "../../test/fixtures/catalog-fixtures.ts";
import { liveFixture } from "../../test/fixtures/live-fixtures.ts";
import { insertAppointmentWithCells, withDb } from "../../test/stack/db-direct.ts";
import { uniqueId } from "../../test/stack/stack-env.ts";
import { buildServices } from "../compose.ts";
import { sendDueReminders } from "../domain/booking/reminders.ts";

const h = harness();
/** A second isolate on the same stack and clock: two cron runs at once. */
const other = buildServices(h.bindings, h.clock);
const HOUR_MS = 3_600_000;
const cleanup: (() => Promise<unknown>)[] = [];
let receiver: Receiver;
let serviceId: string;
let staffId: string;

beforeAll(async () => {
  receiver = await startReceiver();
  const res = await h.admin("POST", "/v1/admin/webhooks", {
    url: receiver.url,
    events: ["appointment.reminder_sent"],
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { webhook } = (await res.json()) as { webhook: { id: string } };
  cleanup.push(() => h.admin("DELETE", `/v1/admin/webhooks/${webhook.id}`));
  serviceId = (await createTestService(h, { bufferAfterMin: 0 })).id;
  // No zone of its own: the business's (Europe/Berlin in the test settings).
  staffId = (await createTestStaff(h, { serviceIds: [serviceId] })).id;
});

beforeEach(() => {
  h.clock.current = Date.now();
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await receiver.close();
});

/** A confirmed appointment (booked now, by the real clock) for a fresh email, 60 minutes long. */
async function appointmentAt(startIso: string, service = serviceId) {
  const email = `${uniqueId("rem")}@example.test`;
  const startMs = Date.parse(startIso);
  const id = await insertAppointmentWithCells({
    staffId,
    serviceId: service,
    startMs,
    endMs: startMs + HOUR_MS,
    customerEmail: email,
  });
  return { id, email, startMs };
}

/** The cron's reminder pass at `iso` (on this isolate). */
async function cronAt(iso: string) {
  h.clock.current = Date.parse(iso);
  return sendDueReminders(h.services.ctx);
}

type Email = { subject: string; body: string; html: string; attachments: string | null };

async function remindersTo(email: string): Promise<Email[]> {
  const [rows] = await withDb((conn) =>
    conn.query(
      "SELECT subject, body, html, attachments FROM outbox_emails WHERE to_email = ? AND kind = 'reminder' ORDER BY created_at, id",
      [email],
    ),
  );
  return rows as Email[];
}

async function sentKeys(appointmentId: string): Promise<number[]> {
  const [rows] = await withDb((conn) =>
    conn.query(
      "SELECT offset_min FROM reminders_sent WHERE appointment_id = ? ORDER BY offset_min",
      [appointmentId],
    ),
  );
  return (rows as { offset_min: number }[]).map((r) => r.offset_min);
}

describe("reminders from the Cron Trigger", () => {
  it("across the start of summer time: 1440 minutes before 09:00 on 28 March 2027 is 08:00 local on the 27th", async () => {
    // 09:00 in Berlin on 2027-03-28 is 07:00 UTC (summer time, UTC+2, starts at 02:00 that day).
    const { id, email } = await appointmentAt("2027-03-28T07:00:00Z");
    await cronAt("2027-03-27T06:59:00Z"); // 07:59 local: 24 elapsed hours and 1 minute before
    expect(await remindersTo(email)).toEqual([]);
    await cronAt("2027-03-27T07:00:00Z"); // 08:00 local (winter time, UTC+1): due
    const [reminder, ...more] = await remindersTo(email);
    expect(more).toEqual([]);
    expect(reminder?.subject).toBe(
      "Reminder: Test service with Test staff, Sunday, 28 March 2027, 09:00–10:00 (Central European Summer Time)",
    );
    expect(reminder?.body).toContain(
      "A reminder of your appointment at Test business in 24 hours.",
    );
    const [file] = JSON.parse(reminder?.attachments ?? "[]") as { content: string }[];
    const [event] = parseCalendar(file?.content ?? "").events;
    expect(event?.startMs).toBe(Date.parse("2027-03-28T07:00:00Z"));
    expect(await sentKeys(id)).toEqual([1440]);
    // The 120-minute one: at 07:00 local on the 28th, not before.
    await cronAt("2027-03-28T04:59:00Z");
    expect(await sentKeys(id)).toEqual([1440]);
    await cronAt("2027-03-28T05:00:00Z");
    expect(await sentKeys(id)).toEqual([120, 1440]);
    expect((await remindersTo(email)).map((e) => e.body.match(/in (\d+ hours)\./)?.[1])).toEqual([
      "24 hours",
      "2 hours",
    ]);
    // Later runs send nothing again.
    await cronAt("2027-03-28T05:30:00Z");
    expect(await remindersTo(email)).toHaveLength(2);
  });

  it("two cron runs at once (two isolates) send one reminder", async () => {
    const { id, email } = await appointmentAt("2027-05-10T08:00:00Z");
    h.clock.current = Date.parse("2027-05-09T08:00:00Z");
    const runs = await Promise.all([
      sendDueReminders(h.services.ctx),
      sendDueReminders(other.ctx),
      sendDueReminders(h.services.ctx),
    ]);
    expect(runs.every((r) => r.sent >= 0)).toBe(true);
    expect(await remindersTo(email)).toHaveLength(1);
    expect(await sentKeys(id)).toEqual([1440]);
    // And the webhook: one event for the one reminder.
    await h.settle();
    const events = receiver.received
      .map(
        (r) => JSON.parse(r.body) as { data: { appointment: { id: string }; offsetMin: number } },
      )
      .filter((e) => e.data.appointment.id === id);
    expect(events.map((e) => e.data.offsetMin)).toEqual([1440]);
  });

  it("a cancel drops the reminders and a reschedule moves them", async () => {
    const cancelled = await appointmentAt("2027-06-14T08:00:00Z");
    const moving = await appointmentAt("2027-06-14T10:00:00Z");
    h.clock.current = Date.parse("2027-06-01T08:00:00Z");
    expect((await h.admin("POST", `/v1/admin/appointments/${cancelled.id}/cancel`)).status).toBe(
      200,
    );
    const res = await h.admin("POST", `/v1/admin/appointments/${moving.id}/reschedule`, {
      start: "2027-06-16T10:00:00Z",
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const moved = ((await res.json()) as { appointment: { id: string } }).appointment.id;
    // The old times pass: nothing for the cancelled or the moved-away appointment.
    await cronAt("2027-06-13T08:00:00Z");
    await cronAt("2027-06-13T10:00:00Z");
    await cronAt("2027-06-14T08:00:00Z");
    expect(await remindersTo(cancelled.email)).toEqual([]);
    expect(await sentKeys(cancelled.id)).toEqual([]);
    expect(await sentKeys(moving.id)).toEqual([]);
    // The new time: its reminder, to the same customer.
    await cronAt("2027-06-15T10:00:00Z");
    expect(await sentKeys(moved)).toEqual([1440]);
    const [reminder] = await remindersTo(moving.email);
    expect(reminder?.body).toContain("Wednesday, 16 June 2027");
    expect(reminder?.body).toContain("12:00–13:00 (Central European Summer Time)");
  });

  it("an appointment booked inside an offset gets no reminder for it, only for the later ones", async () => {
    const { id } = await appointmentAt("2027-07-12T08:00:00Z");
    // Booked 3 hours before the start: past the 1440 mark, before the 120 one.
    await withDb((conn) =>
      conn.query("UPDATE appointments SET created_at = ? WHERE id = ?", [
        "2027-07-12 05:00:00.000",
        id,
      ]),
    );
    await cronAt("2027-07-12T05:01:00Z");
    expect(await sentKeys(id)).toEqual([]);
    await cronAt("2027-07-12T06:00:00Z");
    expect(await sentKeys(id)).toEqual([120]);
  });

  it("a service's own list overrides the business's, and [] turns reminders off", async () => {
    const own = await createTestService(h, { bufferAfterMin: 0, reminders: [30] });
    const off = await createTestService(h, { bufferAfterMin: 0, reminders: [] });
    const res = await h.admin("PATCH", `/v1/admin/staff/${staffId}`, {
      serviceIds: [serviceId, own.id, off.id],
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const withOwn = await appointmentAt("2027-08-09T08:00:00Z", own.id);
    const silent = await appointmentAt("2027-08-09T10:00:00Z", off.id);
    await cronAt("2027-08-08T08:00:00Z");
    await cronAt("2027-08-08T10:00:00Z");
    await cronAt("2027-08-09T06:00:00Z");
    await cronAt("2027-08-09T08:00:00Z");
    expect(await sentKeys(withOwn.id)).toEqual([]);
    await cronAt("2027-08-09T07:30:00Z");
    expect(await sentKeys(withOwn.id)).toEqual([30]);
    expect(await sentKeys(silent.id)).toEqual([]);
  });

  it("a booked appointment's reminder carries its manage and cancel links", async () => {
    const live = await liveFixture(h);
    const email = `${uniqueId("rem")}@example.test`;
    const booked = await bookAt(h, live, "10:00", { name: "Mia Weber", email });
    // Moved to a time of its own, so that this cron run reminds no other test's appointment.
    await withDb((conn) =>
      conn.query(
        "UPDATE appointments SET start_at = '2027-09-13 08:00:00', end_at = '2027-09-13 08:30:00' WHERE id = ?",
        [booked.appointment.id],
      ),
    );
    await cronAt("2027-09-12T08:00:00Z");
    const [reminder] = await remindersTo(email);
    const token = encodeURIComponent(booked.manageToken);
    expect(reminder?.body).toContain(
      `/manage?id=${booked.appointment.id}&token=${token}&action=cancel`,
    );
    expect(reminder?.html).toContain(`/manage?id=${booked.appointment.id}&amp;token=${token}`);
  });
});

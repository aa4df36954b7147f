/**
 * The business app (`/admin`) in a real browser (system Chromium via playwright-core) against
 * the worker under `wrangler dev` and the real test stack: an owner, signed in through the
 * worker's API, creates a staff account; the staff member signs in in the browser with the code
 * from the outbox, sees only their own day, and marks a started appointment attended. The owner
 * sees everyone's day. Each view is checked with axe-core at 375 px and on a desktop.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { PAGE_CSP } from "../../scripts/build-web.ts";
import { checkedFetch, testApi } from "../drivers/api.ts";
import { bookAt } from "../drivers/integrations.ts";
import { latestSignInCode, newAccountEmail, signInEmailsTo } from "../fixtures/account-fixtures.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../fixtures/catalog-fixtures.ts";
import { liveFixture } from "../fixtures/live-fixtures.ts";
import { insertAppointmentWithCells, withDb } from "../stack/db-direct.ts";
import { uniqueId } from "../stack/stack-env.ts";
import { businessAppHarness } from "./admin-harness.ts";
import { screenshot, seriousViolations } from "./harness.ts";

/** The page-side globals these tests touch (this file is type-checked without the DOM library). */
declare const document: {
  documentElement: { scrollWidth: number };
  activeElement: { id: string; matches(selector: string): boolean } | null;
};
declare const sessionStorage: { getItem(key: string): string | null };

const app = businessAppHarness();
const { workerCall, signInThroughWorker, accountSession, appContext, signInOnPage } = app;
const api = testApi();

const ownerSession = () => accountSession("owner", "Olga Owner");

const addDaysUtc = (date: string, days: number) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Waits until the worker's public catalog lists the service and staff member (its cache). */
async function publicCatalogShows(serviceId: string, staffId: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const services = await (await checkedFetch(`${app.worker.url}/v1/services`)).text();
        const staff = await (
          await checkedFetch(`${app.worker.url}/v1/staff?serviceId=${serviceId}`)
        ).text();
        return services.includes(serviceId) && staff.includes(staffId);
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBe(true);
}

/**
 * A start earlier today (UTC): an hour ago on a 5-minute boundary, not before midnight, so the
 * appointment has started (attendance can be marked) and is on today's page.
 */
function startedToday(): { startMs: number; endMs: number } {
  const now = Date.now();
  const midnight = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`);
  const startMs = Math.max(midnight, Math.floor((now - 3_600_000) / 300_000) * 300_000);
  return { startMs, endMs: startMs + 30 * 60_000 };
}

/**
 * The worker reads the catalog through its own cache, and the fixtures wrote it through another
 * app: wait until the worker's admin staff list has `ids`, as a person would a few seconds later.
 */
const workerListsStaff = (token: string, ids: string[]) =>
  app.workerLists(token, "/v1/admin/staff", ids);

async function setCustomerName(id: string, name: string): Promise<void> {
  await withDb((conn) =>
    conn.query("UPDATE appointments SET customer_name = ? WHERE id = ?", [name, id]),
  );
}

describe("the business app", () => {
  it("serves /admin with the pages' strict CSP and no-store", async () => {
    const res = await fetch(`${app.worker.url}/admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toContain('<script type="module" src="/app/admin.js"></script>');
  });

  it("a staff member signs in with the emailed code, sees only their own day, and marks an appointment attended", async () => {
    const service = await createTestService(api, {
      name: "Haircut",
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const mine = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const other = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const { startMs, endMs } = startedToday();
    const ownId = await insertAppointmentWithCells({
      staffId: mine.id,
      serviceId: service.id,
      startMs,
      endMs,
    });
    const otherId = await insertAppointmentWithCells({
      staffId: other.id,
      serviceId: service.id,
      startMs,
      endMs,
    });
    const ownName = uniqueId("Mia ");
    const otherName = uniqueId("Noah ");
    await setCustomerName(ownId, ownName);
    await setCustomerName(otherId, otherName);

    // The owner creates the staff account through the API, with their own business session.
    const owner = await ownerSession();
    const staffEmail = newAccountEmail();
    const created = await workerCall("POST", "/v1/admin/accounts", owner.token, {
      email: staffEmail,
      name: "Sam Staff",
      role: "staff",
      staffId: mine.id,
    });
    expect(created.status, await created.clone().text()).toBe(201);

    for (const [width, height, label] of [
      [375, 800, "375"],
      [1280, 900, "desktop"],
    ] as const) {
      const context = await appContext({
        viewport: { width, height },
        timezoneId: "UTC",
        locale: "en-GB",
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("response", (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
      });
      await page.goto(`${app.worker.url}/admin`);
      await page.locator("#sign-in").waitFor({ state: "visible" });
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `admin-sign-in-${label}`);

      await signInOnPage(page, staffEmail);
      await expect.poll(() => page.locator("#who-name").textContent()).toBe("Sam Staff (Staff)");
      // A staff account has no staff choice, and no cancel or move.
      expect(await page.locator("#staff-field").isHidden()).toBe(true);
      expect(await page.locator("#tab-closures").isHidden()).toBe(true);
      expect(await page.locator("#tab-accounts").isHidden()).toBe(true);
      const own = page.locator(`button.appt[data-id="${ownId}"]`);
      await own.waitFor({ timeout: 15_000 });
      expect(await page.locator(`button.appt[data-id="${otherId}"]`).count()).toBe(0);
      expect(await page.getByText(otherName).count()).toBe(0);
      // The day carries the staff member's hours (the fixtures' weekdays 9 to 5 with a lunch break).
      const weekend = [0, 6].includes(new Date().getUTCDay());
      await expect
        .poll(() => page.locator("#day-list .hours").textContent())
        .toBe(weekend ? "Not working" : "Working 09:00–12:00, 13:00–17:00");
      expect(await own.getAttribute("data-status")).toBe(
        label === "375" ? "confirmed" : "attended",
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        width,
      );
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `admin-staff-day-${label}`);

      await own.click();
      await page.locator("#detail").waitFor({ state: "visible" });
      expect(await page.locator("#detail-facts").textContent()).toContain(ownName);
      expect(await page.locator("#cancel").count()).toBe(0);
      expect(await page.locator("#move").count()).toBe(0);
      if (label === "375") {
        await page.locator("#mark-attended").click();
        await expect
          .poll(() => page.locator("#detail-facts").getAttribute("data-status"))
          .toBe("attended");
        expect(await page.locator("#mark-undo").isVisible()).toBe(true);
      }
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `admin-staff-appointment-${label}`);
      expect(errors).toEqual([]);
      await context.close();
    }

    const [rows] = await withDb((conn) =>
      conn.query("SELECT status, attendance_changed_by FROM appointments WHERE id = ?", [ownId]),
    );
    const row = (rows as { status: string; attendance_changed_by: string }[])[0];
    expect(row?.status).toBe("attended");
    expect(row?.attendance_changed_by).toMatch(/^account:acc_/);
    // The other staff member's appointment was never touched, and the API refuses it to the staff account.
    const staffToken = await signInThroughWorker(staffEmail);
    expect((await workerCall("GET", `/v1/admin/appointments/${otherId}`, staffToken)).status).toBe(
      404,
    );
  }, 180_000);

  it("an owner sees everyone's day, finds an appointment by a part of the customer's name and by email, and signs out", async () => {
    const service = await createTestService(api, {
      name: "Colour",
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const a = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const b = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const { startMs, endMs } = startedToday();
    const email = `${uniqueId("cust")}@example.test`;
    const first = await insertAppointmentWithCells({
      staffId: a.id,
      serviceId: service.id,
      startMs,
      endMs,
      customerEmail: email,
    });
    const second = await insertAppointmentWithCells({
      staffId: b.id,
      serviceId: service.id,
      startMs,
      endMs,
    });
    const owner = await ownerSession();
    await workerListsStaff(owner.token, [a.id, b.id]);

    const context = await appContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const page = await context.newPage();
    await signInOnPage(page, owner.email);
    await expect.poll(() => page.locator("#who-name").textContent()).toBe("Olga Owner (Owner)");
    expect(await page.locator("#staff").inputValue()).toBe("");
    await page.locator(`button.appt[data-id="${first}"]`).waitFor({ timeout: 15_000 });
    await page.locator(`button.appt[data-id="${second}"]`).waitFor();

    // One staff member: the other's appointment leaves the list, and the live strip shows.
    await page.locator("#staff").selectOption(a.id);
    await expect.poll(() => page.locator(`button.appt[data-id="${second}"]`).count()).toBe(0);
    await page.locator(`button.appt[data-id="${first}"]`).waitFor();
    await page.locator("#live").waitFor({ state: "visible" });

    await page.locator("#tab-week").click();
    await page.locator(`button.appt[data-id="${first}"]`).waitFor();
    expect(await page.locator("#day-list section.day").count()).toBe(7);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "admin-owner-week-desktop");

    await page.locator("#tab-search").click();
    // By a part of the customer's name, any case; then by email.
    const surname = uniqueId("Weber");
    await setCustomerName(first, `Mia ${surname}`);
    await page.locator("#search-name").fill(surname.toLowerCase());
    await page.locator("#search-form button[type=submit]").click();
    await expect.poll(() => page.locator("#search-results button.appt").count()).toBe(1);
    expect(await page.locator("#search-results button.appt").getAttribute("data-id")).toBe(first);
    await page.locator("#search-name").fill("");
    await page.locator("#search-email").fill(email);
    await page.locator("#search-form button[type=submit]").click();
    await expect.poll(() => page.locator("#search-results button.appt").count()).toBe(1);
    expect(await page.locator("#search-results button.appt").getAttribute("data-id")).toBe(first);
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator("#search-results button.appt").click();
    await page.locator("#detail").waitFor({ state: "visible" });
    // Started: attendance, no move or cancel.
    expect(await page.locator("#mark-no-show").isVisible()).toBe(true);
    await page.locator("#mark-no-show").click();
    await expect
      .poll(() => page.locator("#detail-facts").getAttribute("data-status"))
      .toBe("no_show");
    await screenshot(page, "admin-owner-appointment-desktop");

    await page.locator("#sign-out").click();
    await page.locator("#sign-in").waitFor({ state: "visible" });
    expect(await page.evaluate(() => sessionStorage.getItem("ae-business-session"))).toBe(null);
    await context.close();
  }, 180_000);

  it("an appointment's page lists its emails: the confirmation, then the cancellation (en and de)", async () => {
    const live = await liveFixture(api);
    const email = `${uniqueId("cust")}@example.test`;
    const booked = (await bookAt(api, live, "10:00", { name: "Mia Weber", email })).appointment;
    const owner = await ownerSession();
    await workerListsStaff(owner.token, [live.staffId]);

    const openIt = async (page: Page) => {
      await page.locator("#tab-search").click();
      await page.locator("#search-email").fill(email);
      await page.locator("#search-form button[type=submit]").click();
      await page.locator(`#search-results button.appt[data-id="${booked.id}"]`).click();
      await page.locator("#detail").waitFor({ state: "visible" });
    };
    // Its emails only: webhook endpoints other tests left active may list deliveries too.
    const kinds = (page: Page) =>
      page.locator('#detail-messages [data-kind="emails"] .msg .msg-title').allTextContents();

    const en = await appContext({
      viewport: { width: 375, height: 800 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const page = await en.newPage();
    await signInOnPage(page, owner.email);
    await openIt(page);
    await expect.poll(() => kinds(page), { timeout: 10_000 }).toHaveLength(1);
    expect(await kinds(page)).toEqual(["Confirmation"]);
    // Nothing delivers in the test stack (no mailer): the email waits in the outbox.
    expect(
      await page.locator('#detail-messages [data-kind="emails"] .msg .badge').textContent(),
    ).toBe("Waiting to be sent");
    expect(await page.locator("#detail-messages").textContent()).toContain(`To ${email}`);

    // A cancel on the page queues the cancellation email, and the list shows it first.
    await page.locator("#cancel").click();
    await page.locator("#cancel-yes").click();
    await expect
      .poll(() => page.locator("#detail-facts").getAttribute("data-status"))
      .toBe("cancelled");
    await expect.poll(() => kinds(page)).toHaveLength(2);
    expect(await kinds(page)).toEqual(["Cancellation", "Confirmation"]);
    await screenshot(page, "admin-appointment-messages-375");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await en.close();

    const de = await appContext({
      viewport: { width: 375, height: 800 },
      timezoneId: "UTC",
      locale: "de-DE",
    });
    const dePage = await de.newPage();
    await dePage.goto(`${app.worker.url}/admin`);
    // A second sign-in of the same person: wait for the new code, not the first one.
    const codesBefore = await signInEmailsTo(owner.email);
    await dePage.locator("#email").fill(owner.email);
    await dePage.getByRole("button", { name: "Code per E-Mail senden" }).click();
    await dePage.locator("#code").waitFor({ state: "visible" });
    await expect.poll(() => signInEmailsTo(owner.email), { timeout: 10_000 }).toBe(codesBefore + 1);
    await dePage.locator("#code").fill(await latestSignInCode(owner.email));
    await dePage.locator("#code-form button[type=submit]").click();
    await dePage.locator("#app").waitFor({ state: "visible", timeout: 15_000 });
    await openIt(dePage);
    await expect.poll(() => kinds(dePage), { timeout: 10_000 }).toHaveLength(2);
    expect(await kinds(dePage)).toEqual(["Stornierung", "Bestätigung"]);
    expect(await dePage.locator("#detail-messages-title").textContent()).toBe("Nachrichten");
    expect(await seriousViolations(dePage)).toEqual([]);
    await screenshot(dePage, "admin-appointment-messages-de-375");
    await de.close();
  }, 180_000);

  it("the owner moves a future appointment in the week view, and a customer's booking page sees the new time taken live", async () => {
    const service = await createTestService(api, {
      name: "Trim",
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const member = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const monday = upcomingMonday(10);
    const startMs = Date.parse(`${monday}T10:00:00Z`);
    const id = await insertAppointmentWithCells({
      staffId: member.id,
      serviceId: service.id,
      startMs,
      endMs: startMs + 30 * 60_000,
    });
    await publicCatalogShows(service.id, member.id);
    const owner = await ownerSession();
    await workerListsStaff(owner.token, [member.id]);

    // A customer has the booking page open on that date, watching its times live.
    const customer = await appContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const booking = await customer.newPage();
    const streams: number[] = [];
    booking.on("response", (res) => {
      if (res.url().includes("/v1/live?")) streams.push(res.status());
    });
    const newStart = `${monday}T14:00:00+00:00`;
    const customerSees = () =>
      booking.locator(`button.time[data-start="${newStart}"]`).getAttribute("data-state");
    await booking.goto(
      `${app.worker.url}/?${new URLSearchParams({ serviceId: service.id, staffId: member.id, date: monday })}`,
    );
    await booking.locator(`button.time[data-start="${newStart}"]`).waitFor({ timeout: 20_000 });
    await expect.poll(customerSees, { timeout: 15_000 }).toBe("available");

    const context = await appContext({
      viewport: { width: 375, height: 800 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const page = await context.newPage();
    await signInOnPage(page, owner.email);
    await page.locator("#day").fill(monday);
    await page.locator("#day").dispatchEvent("change");
    await page.locator("#tab-week").click();
    await page.locator(`button.appt[data-id="${id}"]`).click();
    await page.locator("#detail").waitFor({ state: "visible" });
    // Not started: move and cancel, no attendance.
    expect(await page.locator("#mark-attended").count()).toBe(0);
    expect(await page.locator("#cancel").isVisible()).toBe(true);
    await page.locator("#move").click();
    await page.locator("#move-form button[type=submit]").click();
    const target = page.locator(`#move-times button[data-start="${monday}T14:00:00+00:00"]`);
    await target.waitFor({ timeout: 15_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "admin-manager-move-375");
    await target.click();
    // A hold and the admin reschedule through `wrangler dev`: more than the poll's default second.
    await expect
      .poll(() => page.locator("#detail-facts").textContent(), { timeout: 15_000 })
      .toContain("at 14:00");
    // The customer's page was not reloaded: the stream told it the new time is taken.
    await expect.poll(customerSees, { timeout: 15_000, interval: 100 }).toBe("booked");
    expect(streams).toContain(200);
    const [rows] = await withDb((conn) =>
      conn.query(
        "SELECT status, start_at FROM appointments WHERE id = ? OR rescheduled_from = ? ORDER BY created_at",
        [id, id],
      ),
    );
    const list = rows as { status: string; start_at: Date }[];
    expect(list.map((r) => [r.status, r.start_at.toISOString()])).toEqual([
      ["cancelled", `${monday}T10:00:00.000Z`],
      ["confirmed", `${monday}T14:00:00.000Z`],
    ]);
    await customer.close();
    await context.close();
  }, 180_000);

  it("a manager closes a date and the booking page stops offering it", async () => {
    const service = await createTestService(api, {
      name: "Wash",
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const member = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    await publicCatalogShows(service.id, member.id);
    // Closures are business-wide: a Thursday about seven weeks out, a date no other test books
    // or closes (bookable-recheck closes the Wednesday of the week before); removed at the end.
    const closedDay = addDaysUtc(upcomingMonday(47), 3);
    const bookingUrl = `${app.worker.url}/?${new URLSearchParams({ serviceId: service.id, staffId: member.id, date: closedDay })}`;
    // One confirmed appointment on the date: the closure keeps it, and says so before saving.
    const keptMs = Date.parse(`${closedDay}T10:00:00Z`);
    const kept = await insertAppointmentWithCells({
      staffId: member.id,
      serviceId: service.id,
      startMs: keptMs,
      endMs: keptMs + 30 * 60_000,
    });
    await setCustomerName(kept, "Kim Kept");
    const manager = await accountSession("manager", "Mo Manager");

    const visitor = await appContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const booking = await visitor.newPage();
    const freeOn = async () => {
      await booking.goto(bookingUrl);
      const cell = booking.locator(`button.date[data-date="${closedDay}"]`);
      await cell.waitFor({ timeout: 20_000 });
      await expect.poll(() => cell.getAttribute("data-free"), { timeout: 10_000 }).not.toBe(null);
      return Number(await cell.getAttribute("data-free"));
    };
    expect(await freeOn()).toBeGreaterThan(0);

    const context = await appContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const page = await context.newPage();
    await signInOnPage(page, manager.email);
    // A manager may close dates but not hand out access.
    expect(await page.locator("#tab-accounts").isHidden()).toBe(true);
    await page.locator("#tab-closures").click();
    await page.locator("#closure-start").fill(closedDay);
    await page.locator("#closure-end").fill(closedDay);
    await page.locator("#closure-reason").fill("Team training");
    try {
      // Before saving: the effect of the closure, read from the confirmed appointments.
      const effect = page.locator("#closure-effect");
      expect(await effect.getAttribute("aria-live")).toBe("polite");
      await expect
        .poll(() => page.locator("#closure-effect-count").textContent())
        .toBe("1 confirmed appointment falls on these dates and stays booked:");
      expect(await effect.textContent()).toContain("Nobody can book these dates after saving.");
      expect(await effect.locator(`li[data-id="${kept}"]`).textContent()).toMatch(
        /10:00 Kim Kept$/,
      );
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, "admin-closure-effect-en");
      await page.locator("#closure-form button[type=submit]").click();
      await expect
        .poll(() => page.locator("#closure-note").textContent())
        .toBe(
          "Closed. 1 confirmed appointment on these dates stays booked: cancel or move it as needed.",
        );
      expect(await effect.textContent()).toBe("");
      const closureId = await page.locator("#closure-list").getAttribute("data-added");
      expect(closureId).toMatch(/^clo_/);
      await page.locator(`li.closure[data-id="${closureId}"]`).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, "admin-manager-closures-desktop");
      // The public availability is cached per isolate for a few seconds: a visitor reloading sees it.
      await expect.poll(freeOn, { timeout: 30_000, interval: 1000 }).toBe(0);
      // The same effect in German (the choice reloads the page; the session stays).
      await page.goto(`${app.worker.url}/admin?lang=de`);
      await page.locator("#tab-closures").click();
      await page.locator("#closure-start").fill(closedDay);
      await page.locator("#closure-end").fill(closedDay);
      await expect
        .poll(() => page.locator("#closure-effect-count").textContent())
        .toBe("1 bestätigter Termin liegt an diesen Tagen und bleibt bestehen:");
      await page.setViewportSize({ width: 375, height: 800 });
      await screenshot(page, "admin-closure-effect-de-375");
    } finally {
      // Whatever failed above, the business-wide closure must not outlive this test.
      const listed = await workerCall("GET", "/v1/admin/closures", manager.token);
      const { closures } = (await listed.json()) as {
        closures: { id: string; startDate: string }[];
      };
      for (const c of closures.filter((c) => c.startDate === closedDay)) {
        const removed = await workerCall("DELETE", `/v1/admin/closures/${c.id}`, manager.token);
        expect(removed.status).toBe(204);
      }
      // Nor the kept appointment: the next run counts the date's confirmed appointments again.
      await withDb(async (conn) => {
        await conn.query("DELETE FROM appointment_cells WHERE appointment_id = ?", [kept]);
        await conn.query(
          "UPDATE appointments SET status = 'cancelled', cancelled_at = UTC_TIMESTAMP(3) WHERE id = ?",
          [kept],
        );
      });
    }
    await visitor.close();
    await context.close();
  }, 180_000);

  it("a staff member changes the hours of one of their dates, then goes back to the weekly hours", async () => {
    const service = await createTestService(api, {
      name: "Nails",
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const member = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const owner = await ownerSession();
    const staffEmail = newAccountEmail();
    const created = await workerCall("POST", "/v1/admin/accounts", owner.token, {
      email: staffEmail,
      name: "Sam Staff",
      role: "staff",
      staffId: member.id,
    });
    expect(created.status).toBe(201);
    const monday = upcomingMonday(30);
    // A confirmed appointment at 15:00: outside the new hours below, and it stays booked.
    const laterMs = Date.parse(`${monday}T15:00:00Z`);
    const later = await insertAppointmentWithCells({
      staffId: member.id,
      serviceId: service.id,
      startMs: laterMs,
      endMs: laterMs + 30 * 60_000,
    });

    const context = await appContext({
      viewport: { width: 375, height: 800 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const page = await context.newPage();
    await signInOnPage(page, staffEmail);
    await page.locator("#day").fill(monday);
    await page.locator("#day").dispatchEvent("change");
    const hours = page.locator("#day-list .hours");
    await expect
      .poll(() => hours.textContent(), { timeout: 15_000 })
      .toBe("Working 09:00–12:00, 13:00–17:00");
    await page.locator("#override-box summary").click();
    await page.locator("#override-start").fill("10:00");
    await page.locator("#override-end").fill("14:00");
    // Before saving: the date's bookable times before and after, and who falls outside.
    const effect = page.locator("#override-effect");
    expect(await effect.getAttribute("aria-live")).toBe("polite");
    const slots = page.locator("#override-effect-slots");
    // 09–12 and 13–17 on the 15-min grid for 30 min: 11 + 15, less the 3 starts the 15:00
    // appointment takes; 10–14: 15.
    await expect.poll(() => slots.textContent()).toBe("Bookable times of Nails: 23 → 15");
    expect(await effect.locator(`li[data-id="${later}"]`).textContent()).toBe("15:00 Test");
    expect(await effect.textContent()).toContain(
      "Confirmed appointments outside the new hours (they stay booked):",
    );
    // "Not working": nothing bookable after, the appointment still named.
    await page.locator("#override-off").check();
    await expect.poll(() => slots.textContent()).toBe("Bookable times of Nails: 23 → 0");
    await page.locator("#override-off").uncheck();
    await expect.poll(() => slots.textContent()).toBe("Bookable times of Nails: 23 → 15");
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    await screenshot(page, "admin-date-effect-en-375");
    await page.locator("#override-note").fill("Dentist");
    await page.locator("#override-form button[type=submit]").click();
    await expect
      .poll(() => hours.textContent(), { timeout: 15_000 })
      .toBe("Working 10:00–14:00 (changed for this date)");
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "admin-staff-hours-375");
    const listed = await workerCall(
      "GET",
      `/v1/admin/staff/${member.id}/overrides?from=${monday}&to=${monday}`,
      owner.token,
    );
    expect(await listed.json()).toEqual({
      overrides: [
        {
          staffId: member.id,
          date: monday,
          intervals: [{ start: "10:00", end: "14:00" }],
          note: "Dentist",
        },
      ],
    });

    await page.locator("#override-box summary").click();
    await page.locator("#override-reset").click();
    await expect
      .poll(() => hours.textContent(), { timeout: 15_000 })
      .toBe("Working 09:00–12:00, 13:00–17:00");

    // The same effect in German (the choice reloads the page; the session stays).
    await page.goto(`${app.worker.url}/admin?lang=de`);
    await page.locator("#day").fill(monday);
    await page.locator("#day").dispatchEvent("change");
    await expect
      .poll(() => hours.textContent(), { timeout: 15_000 })
      .toBe("Arbeitszeit 09:00–12:00, 13:00–17:00");
    await page.locator("#override-box summary").click();
    await page.locator("#override-start").fill("10:00");
    await page.locator("#override-end").fill("14:00");
    await expect.poll(() => slots.textContent()).toBe("Buchbare Zeiten für Nails: 23 → 15");
    await screenshot(page, "admin-date-effect-de-375");
    await context.close();
  }, 180_000);

  it("an owner adds a staff account in the app, who can then sign in, and deactivates it", async () => {
    const service = await createTestService(api, {
      name: "Brows",
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const member = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const owner = await ownerSession();
    await workerListsStaff(owner.token, [member.id]);

    const context = await appContext({
      viewport: { width: 375, height: 800 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const page = await context.newPage();
    await signInOnPage(page, owner.email);
    await page.locator("#tab-accounts").click();
    const email = newAccountEmail();
    await page.locator("#account-name").fill("Nina New");
    await page.locator("#account-email").fill(email);
    await page.locator("#account-role").selectOption("staff");
    await page.locator("#account-staff").selectOption(member.id);
    await page.locator("#account-form button[type=submit]").click();
    const row = page.locator("#account-list li", { hasText: email });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute("data-active")).toBe("true");
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    await screenshot(page, "admin-owner-accounts-375");

    // The new account is a staff account of that staff member, and can sign in.
    const token = await signInThroughWorker(email);
    const listed = await workerCall("GET", "/v1/admin/appointments?limit=1", token);
    expect(listed.status).toBe(200);

    await row.getByRole("button", { name: "Deactivate Nina New" }).click();
    await expect.poll(() => row.getAttribute("data-active")).toBe("false");
    expect((await workerCall("GET", "/v1/admin/appointments?limit=1", token)).status).toBe(401);
    await context.close();
  }, 180_000);

  it("works by keyboard alone: sign in, open an appointment, mark it attended", async () => {
    const service = await createTestService(api, {
      name: "Shave",
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const member = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const { startMs, endMs } = startedToday();
    const id = await insertAppointmentWithCells({
      staffId: member.id,
      serviceId: service.id,
      startMs,
      endMs,
    });
    const owner = await ownerSession();
    const email = newAccountEmail();
    const created = await workerCall("POST", "/v1/admin/accounts", owner.token, {
      email,
      name: "Kai Keys",
      role: "staff",
      staffId: member.id,
    });
    expect(created.status).toBe(201);

    const context = await appContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const page = await context.newPage();
    const focused = () => page.evaluate(() => document.activeElement?.id ?? "");
    await page.goto(`${app.worker.url}/admin`);
    await expect.poll(focused).toBe("sign-in-title");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("email");
    await page.keyboard.type(email);
    await page.keyboard.press("Enter");
    await expect.poll(focused).toBe("code");
    await expect.poll(() => latestSignInCode(email), { timeout: 10_000 }).toMatch(/^\d{6}$/);
    await page.keyboard.type(await latestSignInCode(email));
    await page.keyboard.press("Enter");
    await expect.poll(focused, { timeout: 15_000 }).toBe("days-title");
    await page.locator(`button.appt[data-id="${id}"]`).waitFor({ timeout: 15_000 });
    let onAppointment = false;
    for (let i = 0; i < 20 && !onAppointment; i++) {
      await page.keyboard.press("Tab");
      onAppointment = await page.evaluate(
        (sel) => document.activeElement?.matches(sel) ?? false,
        `button.appt[data-id="${id}"]`,
      );
    }
    expect(onAppointment).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(focused).toBe("detail-title");
    let onMark = false;
    for (let i = 0; i < 10 && !onMark; i++) {
      await page.keyboard.press("Tab");
      onMark = (await focused()) === "mark-attended";
    }
    expect(onMark).toBe(true);
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.locator("#detail-facts").getAttribute("data-status"))
      .toBe("attended");
    // Focus comes back to the heading, not to the body, after the redraw.
    expect(await focused()).toBe("detail-title");
    await context.close();
  }, 180_000);

  it("speaks German in a German browser, the role and the statuses too", async () => {
    const service = await createTestService(api, {
      name: "Schnitt",
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const member = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const { startMs, endMs } = startedToday();
    const id = await insertAppointmentWithCells({
      staffId: member.id,
      serviceId: service.id,
      startMs,
      endMs,
    });
    const owner = await ownerSession();
    const email = newAccountEmail();
    const created = await workerCall("POST", "/v1/admin/accounts", owner.token, {
      email,
      name: "Jonas",
      role: "staff",
      staffId: member.id,
    });
    expect(created.status).toBe(201);

    const context = await appContext({
      viewport: { width: 375, height: 800 },
      timezoneId: "UTC",
      locale: "de-DE",
    });
    const page = await context.newPage();
    await page.goto(`${app.worker.url}/admin`);
    await expect.poll(() => page.locator("#sign-in-title").textContent()).toBe("Anmelden");
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    expect(await page.title()).toBe("Betriebs-App");
    await page.locator("#email").fill(email);
    await page.getByRole("button", { name: "Code per E-Mail senden" }).click();
    await page.locator("#code").waitFor({ state: "visible" });
    await expect.poll(() => latestSignInCode(email), { timeout: 10_000 }).toMatch(/^\d{6}$/);
    await page.locator("#code").fill(await latestSignInCode(email));
    await page.locator("#code-form button[type=submit]").click();
    await page.locator("#app").waitFor({ state: "visible", timeout: 15_000 });
    expect(await page.locator("#who-name").textContent()).toBe("Jonas (Mitarbeiter)");
    const item = page.locator(`button.appt[data-id="${id}"]`);
    await item.waitFor({ timeout: 15_000 });
    expect(await item.locator(".badge").textContent()).toBe("Bestätigt");
    expect(await page.locator("#tab-day").textContent()).toBe("Heute");
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "admin-staff-day-de-375");
    await context.close();
  }, 180_000);

  it("a manager changes a setting, and a refused value is shown beside its field", async () => {
    const manager = await accountSession("manager", "Mo Manager");
    const before = (await (
      await workerCall("GET", "/v1/admin/settings", manager.token)
    ).json()) as {
      businessName: string;
      horizonDays: number;
    };
    const context = await appContext({
      viewport: { width: 375, height: 800 },
      timezoneId: "UTC",
      locale: "en-GB",
    });
    const page = await context.newPage();
    await signInOnPage(page, manager.email);
    await page.locator("#tab-settings").click();
    const name = page.locator("#setting-businessName");
    await expect.poll(() => name.inputValue()).toBe(before.businessName);
    const renamed = uniqueId("Salon ");
    try {
      await name.fill(renamed);
      await page.locator("#settings-form button[type=submit]").click();
      await expect
        .poll(
          async () =>
            (
              (await (await workerCall("GET", "/v1/admin/settings", manager.token)).json()) as {
                businessName: string;
              }
            ).businessName,
        )
        .toBe(renamed);

      await page.locator("#setting-horizonDays").fill("0");
      await page.locator("#settings-form button[type=submit]").click();
      const horizon = page.locator("#setting-horizonDays");
      await expect.poll(() => horizon.getAttribute("aria-invalid")).toBe("true");
      // The API's words, without the field path the page already shows as the label.
      expect(await page.locator("#setting-horizonDays-error").textContent()).toMatch(/\d/);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("setting-horizonDays");
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, "admin-manager-settings-375");
      const after = (await (
        await workerCall("GET", "/v1/admin/settings", manager.token)
      ).json()) as { horizonDays: number };
      expect(after.horizonDays).toBe(before.horizonDays);
    } finally {
      const restored = await workerCall("PUT", "/v1/admin/settings", manager.token, {
        businessName: before.businessName,
      });
      expect(restored.status).toBe(200);
    }
    await context.close();
  }, 180_000);
});

/**
 * The business app's weekly hours, catalog and settings pages in a real browser against the
 * worker under `wrangler dev`: a manager changes a staff member's weekly hours after seeing their
 * effect (an appointment left outside named, the bookable times before and after), and the public
 * availability follows; a staff account only reads its week; a refused setting is shown at its
 * field; a service added in the app is offered. Every test makes its own staff member and
 * service, so no shared hours change; a setting the page could change is restored.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { checkedFetch, testApi } from "../drivers/api.ts";
import { createTestService, createTestStaff } from "../fixtures/catalog-fixtures.ts";
import { insertAppointmentWithCells, withDb } from "../stack/db-direct.ts";
import { uniqueId } from "../stack/stack-env.ts";
import { businessAppHarness } from "./admin-harness.ts";
import { screenshot, seriousViolations } from "./harness.ts";

/** The page-side globals these tests touch (this file is type-checked without the DOM library). */
declare const document: {
  documentElement: { scrollWidth: number };
  activeElement: { id: string } | null;
};

const app = businessAppHarness();
const { accountSession, signInOnPage, workerCall, workerLists } = app;
const api = testApi();

/** A context at `width` px in `locale`, in UTC. */
const appContext = (width: number, locale = "en-GB") =>
  app.appContext({ viewport: { width, height: 900 }, timezoneId: "UTC", locale });

const EVERY_DAY = Object.fromEntries(
  ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((d) => [
    d,
    [{ start: "09:00", end: "17:00" }],
  ]),
);
const WEEKDAY_KEYS = [
  "sunday",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
] as const;

interface Slot {
  start: string;
  state: string;
}

/** The public availability of one staff member on one date (what the booking page shows). */
async function availableOn(serviceId: string, staffId: string, date: string): Promise<Slot[]> {
  const params = new URLSearchParams({ serviceId, staffId, from: date, to: date });
  const res = await checkedFetch(`${app.worker.url}/v1/availability?${params}`);
  if (res.status !== 200) return [];
  const body = (await res.json()) as { days: { slots: Slot[] }[] };
  return body.days.flatMap((d) => d.slots).filter((s) => s.state === "available");
}

const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth);

describe("the business app's weekly hours, catalog and settings", () => {
  it("a manager sees the effect of shorter hours (an appointment named), saves, and availability follows", async () => {
    const service = await createTestService(api, {
      name: uniqueId("Cut "),
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const member = await createTestStaff(api, {
      serviceIds: [service.id],
      timeZone: "UTC",
      weekly: EVERY_DAY,
    });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const day = WEEKDAY_KEYS[new Date(`${tomorrow}T12:00:00Z`).getUTCDay()] as string;
    const startMs = Date.parse(`${tomorrow}T16:00:00Z`);
    const late = await insertAppointmentWithCells({
      staffId: member.id,
      serviceId: service.id,
      startMs,
      endMs: startMs + 30 * 60_000,
    });
    const customer = uniqueId("Lena ");
    await withDb((conn) =>
      conn.query("UPDATE appointments SET customer_name = ? WHERE id = ?", [customer, late]),
    );
    const manager = await accountSession("manager", "Mo Manager");
    await workerLists(manager.token, "/v1/admin/staff", [member.id]);
    // The engine's answer today, for the preview's "before" to be checked against.
    await expect
      .poll(async () => (await availableOn(service.id, member.id, tomorrow)).length, {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    const before = (await availableOn(service.id, member.id, tomorrow)).length;

    const context = await appContext(375);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signInOnPage(page, manager.email);
    await page.locator("#tab-hours").click();
    await page.locator("#hours-staff").selectOption(member.id);
    const end = page.locator(`#hours-${day}-0-end`);
    await expect.poll(() => end.inputValue(), { timeout: 15_000 }).toBe("17:00");
    const preview = page.locator(`#preview-list li[data-date="${tomorrow}"]`);
    await expect.poll(() => preview.getAttribute("data-before")).toBe(String(before));
    expect(await preview.getAttribute("data-after")).toBe(String(before));

    // Checked in the page before anything is sent: an end before the start.
    await end.fill("08:00");
    await expect.poll(() => end.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(`#hours-${day}-error`).textContent()).toBe(
      "Row 1: the end must be after the start.",
    );
    await page.locator("#hours-save").click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`hours-${day}-0-end`);

    // Two intervals with a break; the 16:00 appointment falls outside and is named.
    await end.fill("12:00");
    await page.locator(`#hours-${day} button[data-add]`).click();
    // The new row's open end takes the focus (it starts where the last interval ends).
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`hours-${day}-1-end`);
    await page.locator(`#hours-${day}-1-start`).fill("13:00");
    await page.locator(`#hours-${day}-1-end`).fill("15:00");
    await expect.poll(() => preview.getAttribute("data-outside")).toBe(late);
    expect(await preview.textContent()).toContain(`Outside the new hours: 16:00 ${customer}`);
    const after = Number(await preview.getAttribute("data-after"));
    expect(after).toBeLessThan(before);
    expect(await end.getAttribute("aria-invalid")).toBe(null);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await noHorizontalScroll(page)).toBeLessThanOrEqual(375);
    await screenshot(page, "admin-manager-weekly-hours-375");

    await page.locator("#hours-save").click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("hours-title");
    await expect
      .poll(async () => {
        const res = await workerCall("GET", `/v1/admin/staff/${member.id}/schedule`, manager.token);
        return ((await res.json()) as { weekly: Record<string, unknown> }).weekly[day];
      })
      .toEqual([
        { start: "09:00", end: "12:00" },
        { start: "13:00", end: "15:00" },
      ]);
    // The booking side: no time in the break or after 15:00, and exactly the preview's count.
    await expect
      .poll(async () => (await availableOn(service.id, member.id, tomorrow)).length, {
        timeout: 30_000,
        interval: 1000,
      })
      .toBe(after);
    const starts = (await availableOn(service.id, member.id, tomorrow)).map((s) =>
      s.start.slice(11, 16),
    );
    expect(starts.some((t) => (t >= "11:31" && t < "13:00") || t > "14:30")).toBe(false);
    expect(errors).toEqual([]);
    await context.close();

    // The same page in German.
    const de = await appContext(375, "de-DE");
    const dePage = await de.newPage();
    await signInOnPage(dePage, manager.email);
    await dePage.locator("#tab-hours").click();
    await dePage.locator("#hours-staff").selectOption(member.id);
    await dePage.locator(`#preview-list li[data-date="${tomorrow}"]`).waitFor({ timeout: 15_000 });
    expect(await dePage.locator("#hours-title").textContent()).toBe("Wochenzeiten");
    expect(await seriousViolations(dePage)).toEqual([]);
    expect(await noHorizontalScroll(dePage)).toBeLessThanOrEqual(375);
    await screenshot(dePage, "admin-manager-weekly-hours-de-375");
    await de.close();
  }, 180_000);

  it("a staff account reads its own week but cannot change it (no form; the API says 403)", async () => {
    const service = await createTestService(api, { name: "Brows", durationMin: 30 });
    const member = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    const staff = await accountSession("staff", "Sam Staff", member.id);
    const context = await appContext(375);
    const page = await context.newPage();
    await signInOnPage(page, staff.email);
    expect(await page.locator("#tab-catalog").isHidden()).toBe(true);
    await page.locator("#tab-hours").click();
    const week = page.locator("#hours-readonly");
    await week.waitFor({ timeout: 15_000 });
    expect(await week.textContent()).toContain("09:00–12:00, 13:00–17:00");
    expect(await page.locator("#hours-form").count()).toBe(0);
    expect(await page.locator("#hours-staff").count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "admin-staff-weekly-hours-375");
    const put = await workerCall("PUT", `/v1/admin/staff/${member.id}/schedule`, staff.token, {
      weekly: {},
    });
    expect(put.status).toBe(403);
    await context.close();
  }, 120_000);

  it("a refused setting (a hold's cap below its life) is shown beside its field, and nothing changes", async () => {
    const manager = await accountSession("manager", "Mo Manager");
    const read = async () =>
      (await (await workerCall("GET", "/v1/admin/settings", manager.token)).json()) as Record<
        string,
        unknown
      >;
    const before = await read();
    for (const [locale, label] of [
      ["en-GB", "en"],
      ["de-DE", "de"],
    ] as const) {
      const context = await appContext(375, locale);
      const page = await context.newPage();
      await signInOnPage(page, manager.email);
      await page.locator("#tab-settings").click();
      const cap = page.locator("#setting-holdExtensionCapS");
      await expect.poll(() => cap.inputValue()).toBe(String(before.holdExtensionCapS));
      expect(await page.locator("#settings-form fieldset").count()).toBe(5);
      expect(await page.locator("#setting-reminders").inputValue()).toBe(
        (before.reminders as number[]).join(", "),
      );
      try {
        await cap.fill("5");
        await page.locator("#settings-form button[type=submit]").click();
        await expect.poll(() => cap.getAttribute("aria-invalid")).toBe("true");
        expect(await page.locator("#setting-holdExtensionCapS-error").textContent()).toContain(
          "must be at least holdTtlS",
        );
        expect(await page.evaluate(() => document.activeElement?.id)).toBe(
          "setting-holdExtensionCapS",
        );
        expect(await seriousViolations(page)).toEqual([]);
        expect(await noHorizontalScroll(page)).toBeLessThanOrEqual(375);
        await screenshot(page, `admin-manager-settings-${label}-375`);
        expect(await read()).toEqual(before);
      } finally {
        // Shared by every test: whatever happened above, the settings are as they were.
        const { holdExtensionCapS, holdTtlS } = before;
        const restored = await workerCall("PUT", "/v1/admin/settings", manager.token, {
          holdExtensionCapS,
          holdTtlS,
        });
        expect(restored.status).toBe(200);
      }
      await context.close();
    }
  }, 180_000);

  it("a service added in the app, given to a staff member in the app, is offered by the availability API", async () => {
    const existing = await createTestService(api, { name: "Wash", durationMin: 30 });
    const member = await createTestStaff(api, { serviceIds: [existing.id], timeZone: "UTC" });
    const manager = await accountSession("manager", "Mo Manager");
    await workerLists(manager.token, "/v1/admin/staff", [member.id]);
    const context = await appContext(375);
    const page = await context.newPage();
    await signInOnPage(page, manager.email);
    await page.locator("#tab-catalog").click();
    const name = uniqueId("Glow ");
    await page.locator("#service-name").waitFor({ timeout: 15_000 });
    await page.locator("#service-name").fill(name);
    await page.locator("#service-durationMin").fill("45");
    await page.locator("#service-bufferAfterMin").fill("15");
    await page.locator("#service-price").fill("not a price");
    await page.locator("#service-save").click();
    await expect
      .poll(() => page.locator("#service-price").getAttribute("aria-invalid"))
      .toBe("true");
    await page.locator("#service-price").fill("55,50");
    await page.locator("#service-save").click();
    const list = page.locator("#service-list");
    await expect.poll(() => list.getAttribute("data-saved"), { timeout: 15_000 }).toMatch(/^svc_/);
    const serviceId = (await list.getAttribute("data-saved")) as string;
    const created = await (
      await workerCall("GET", `/v1/admin/services/${serviceId}`, manager.token)
    ).json();
    expect(created).toMatchObject({
      name,
      durationMin: 45,
      bufferAfterMin: 15,
      price: { amountMinor: 5550, currency: "EUR" },
      active: true,
    });

    await workerLists(manager.token, "/v1/admin/services", [serviceId]);
    await page.locator(`#staff-list li[data-id="${member.id}"] button`).click();
    await page.locator(`#member-service-${serviceId}`).check();
    await page.locator("#member-save").click();
    await expect
      .poll(() => page.locator("#staff-list").getAttribute("data-saved"), { timeout: 15_000 })
      .toBe(member.id);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await noHorizontalScroll(page)).toBeLessThanOrEqual(375);
    await screenshot(page, "admin-manager-catalog-375");

    // Next Monday (the fixture's weekdays are worked), the new service's grid of 45-minute times.
    const monday = new Date();
    monday.setUTCDate(monday.getUTCDate() + ((8 - monday.getUTCDay()) % 7 || 7));
    const date = monday.toISOString().slice(0, 10);
    await expect
      .poll(async () => (await availableOn(serviceId, member.id, date)).length, {
        timeout: 30_000,
        interval: 1000,
      })
      .toBeGreaterThan(0);
    const first = (await availableOn(serviceId, member.id, date))[0];
    expect(first?.start).toBe(`${date}T09:00:00+00:00`);
    await context.close();

    const de = await appContext(375, "de-DE");
    const dePage = await de.newPage();
    await signInOnPage(dePage, manager.email);
    await dePage.locator("#tab-catalog").click();
    await dePage.locator(`#service-list li[data-id="${serviceId}"]`).waitFor({ timeout: 15_000 });
    expect(await dePage.locator("#catalog-title").textContent()).toBe("Katalog");
    expect(await seriousViolations(dePage)).toEqual([]);
    await screenshot(dePage, "admin-manager-catalog-de-375");
    await de.close();
  }, 180_000);
});

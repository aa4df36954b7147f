/**
 * The booking page's repeat choice and waitlist, the manage page's series cancel, and the
 * `/waitlist` page the waitlist emails link to, in a real browser (system Chromium via
 * playwright-core) against the worker under `wrangler dev` and the real test stack. Codes and
 * offer links are read from the outbox, as a customer reads them from their email.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_CSP } from "../../scripts/build-web.ts";
import { checkedFetch, testApi } from "../drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../fixtures/catalog-fixtures.ts";
import { withDb } from "../stack/db-direct.ts";
import {
  launchBrowser,
  screenshot,
  seriousViolations,
  startWorker,
  type Worker,
} from "./harness.ts";

/** The page-side bits these tests touch (this file is type-checked without the DOM library). */
declare const document: { documentElement: { scrollWidth: number; lang: string } };

let worker: Worker;
let browser: Browser;
const api = testApi();
const json = { "Content-Type": "application/json" };
const LANGS = ["en", "de", "fr", "es"] as const;

beforeAll(async () => {
  [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

interface Fixture {
  serviceId: string;
  staffId: string;
  date: string;
  url: string;
}

/**
 * A new service and staff member (so no other test's bookings are in the way). `weekly` narrows
 * the working hours: Monday 09:00–09:30 makes a date with one time, which one booking fills.
 */
async function fixture(
  weekly?: Record<string, { start: string; end: string }[]>,
  name = "Haircut",
): Promise<Fixture> {
  const service = await createTestService(api, { name, durationMin: 30, bufferAfterMin: 0 });
  const staff = await createTestStaff(api, {
    serviceIds: [service.id],
    ...(weekly ? { weekly } : {}),
  });
  await expect
    .poll(
      async () => {
        const services = await (await checkedFetch(`${worker.url}/v1/services`)).text();
        const team = await (
          await checkedFetch(`${worker.url}/v1/staff?serviceId=${service.id}`)
        ).text();
        return services.includes(service.id) && team.includes(staff.id);
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBe(true);
  const date = upcomingMonday();
  const query = new URLSearchParams({ serviceId: service.id, staffId: staff.id, date });
  return { serviceId: service.id, staffId: staff.id, date, url: `${worker.url}/?${query}` };
}

async function visitor(
  width = 375,
  height = 812,
  locale = "en-GB",
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width, height },
    timezoneId: "Europe/Berlin",
    locale,
  });
  return { context, page: await context.newPage() };
}

/** The starts offered on `date` (through the worker, as the page reads them). */
async function startsOn(fx: Fixture, date: string): Promise<string[]> {
  const res = await checkedFetch(
    `${worker.url}/v1/availability?serviceId=${fx.serviceId}&staffId=${fx.staffId}&from=${date}&to=${date}`,
  );
  const body = (await res.json()) as { days: { slots: { start: string; state: string }[] }[] };
  return (body.days[0]?.slots ?? []).filter((s) => s.state === "available").map((s) => s.start);
}

/** Books `start` through the worker's API (another customer), returning id and manage token. */
async function bookThroughApi(
  fx: Fixture,
  start: string,
  email = "grace@example.test",
): Promise<{ id: string; token: string }> {
  await startsOn(fx, start.slice(0, 10));
  const hold = (await (
    await checkedFetch(`${worker.url}/v1/holds`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        clientId: `c_other${Date.now()}`,
        serviceId: fx.serviceId,
        staffId: fx.staffId,
        start,
      }),
    })
  ).json()) as { holdId: string; holdToken: string };
  const res = await checkedFetch(`${worker.url}/v1/appointments`, {
    method: "POST",
    headers: { ...json, "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({
      holdId: hold.holdId,
      holdToken: hold.holdToken,
      customer: { name: "Grace", email },
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as { appointment: { id: string }; manageToken: string };
  return { id: body.appointment.id, token: body.manageToken };
}

/** ISO date `days` after `date`. */
function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

type Row = { id: string; status: string; start_at: Date; series_id: string | null };
const appointmentsOf = (staffId: string) =>
  withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT id, status, start_at, series_id FROM appointments WHERE staff_id = ? ORDER BY start_at",
      [staffId],
    );
    return rows as Row[];
  });

async function latestWaitlistCode(email: string): Promise<string> {
  return withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT subject FROM outbox_emails WHERE to_email = ? AND kind = 'waitlist-code' ORDER BY created_at DESC, id DESC LIMIT 1",
      [email],
    );
    return String((rows as { subject: string }[])[0]?.subject ?? "").slice(-6);
  });
}

/** The offer email's booking link, pointed at the test worker. */
async function offerLink(email: string): Promise<string | undefined> {
  const body = await withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT body FROM outbox_emails WHERE to_email = ? AND kind = 'waitlist-offer' ORDER BY created_at DESC, id DESC LIMIT 1",
      [email],
    );
    return (rows as { body: string }[])[0]?.body;
  });
  const match = body ? /https?:\/\/[^\s"'<>]+\/waitlist\?[^\s"'<>]+/.exec(body) : null;
  if (!match) return undefined;
  const url = new URL(match[0].replaceAll("&amp;", "&"));
  return `${worker.url}${url.pathname}${url.search}`;
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
}

/** axe's serious and critical findings, and the 375 px width, for one view. */
async function checkView(page: Page, report: Record<string, string[]>, name: string) {
  report[name] = await seriousViolations(page);
  await noHorizontalScroll(page);
}

/** Opens the deep link, picks the time at `hhmm` and asks for `count` weekly occurrences. */
async function checkSeriesOnPage(page: Page, url: string, hhmm: string, count: number) {
  await page.goto(url);
  await page.locator("button.time[data-start]").first().waitFor({ timeout: 20_000 });
  const start = await page
    // Another visitor's earlier choice leaves a time "viewing", which is still free to take.
    .locator("button.time:is([data-state='available'], [data-state='viewing'])")
    .evaluateAll(
      (els, wanted) =>
        els
          .map((e) => (e as unknown as { dataset: { start: string } }).dataset.start)
          .find((s) => s.slice(11, 16) === wanted),
      hhmm,
    );
  if (!start) throw new Error(`no free time at ${hhmm}`);
  await page.locator(`button.time[data-start="${start}"]`).click();
  await page.locator("#continue-bar:not([hidden])").waitFor();
  await page.locator("#repeat").check();
  await page.selectOption("#every", "1");
  await page.selectOption("#count", String(count));
  await page.click("#continue");
  await page.locator("#series:not([hidden])").waitFor({ timeout: 15_000 });
  await page
    .locator("#occurrences > li")
    .nth(count - 1)
    .waitFor();
  return start;
}

describe("a recurring series on the booking page", () => {
  it("books 3 weekly occurrences, one taken and replaced by an offered alternative, as one series", async () => {
    const fx = await fixture();
    const second = plusDays(fx.date, 7);
    // Someone else has the second week's 10:00.
    const [taken] = (await startsOn(fx, second)).filter((s) => s.slice(11, 16) === "10:00");
    if (!taken) throw new Error("no 10:00 on the second date");
    await bookThroughApi(fx, taken);
    const { page, context } = await visitor();
    const report: Record<string, string[]> = {};
    try {
      const first = await checkSeriesOnPage(page, fx.url, "10:00", 3);
      const items = page.locator("#occurrences > li");
      expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-free")))).toEqual(
        ["true", "false", "true"],
      );
      expect(await items.nth(1).getAttribute("data-date")).toBe(second);
      await screenshot(page, "book-series-375");
      await checkView(page, report, "series");

      // Holding without a choice for the taken date says what is missing, beside it.
      await page.click("#hold-series");
      await expect.poll(() => page.textContent("#series-error")).toContain("Choose a time");
      expect(await page.getAttribute("#occurrences fieldset", "aria-invalid")).toBe("true");
      await checkView(page, report, "seriesError");

      // The first alternative of the taken date.
      const alternative = page.locator("#occurrences input[name='alt-1'][data-start]").first();
      const altStart = (await alternative.getAttribute("data-start")) ?? "";
      expect(altStart.slice(0, 10)).toBe(second);
      await alternative.check();
      expect(await page.textContent("#hold-series")).toBe("Hold these 3 times");
      await page.click("#hold-series");
      await page.locator("#details:not([hidden])").waitFor({ timeout: 15_000 });
      expect(await page.locator("#held-dates li").count()).toBe(3);
      expect(await page.textContent("#held")).toContain("3 appointments");
      await screenshot(page, "book-series-held-375");
      await checkView(page, report, "seriesDetails");

      await page.fill("#name", "Sam Series");
      await page.fill("#email", "sam-series@example.test");
      await page.click("#book");
      await page.locator("#done:not([hidden])").waitFor({ timeout: 20_000 });
      expect(await page.locator("#done-dates li").count()).toBe(3);
      expect(await page.textContent("#done-summary")).toContain("3 times");
      await screenshot(page, "book-series-done-375");
      await checkView(page, report, "seriesDone");

      // Three appointments share one seriesId; the other customer's booking has none.
      const rows = await appointmentsOf(fx.staffId);
      const mine = rows.filter((r) => r.series_id !== null);
      expect(mine.map((r) => r.status)).toEqual(["confirmed", "confirmed", "confirmed"]);
      expect(new Set(mine.map((r) => r.series_id)).size).toBe(1);
      const third = (await seriesOf(fx, first, 3))[2]?.start ?? "";
      expect(third.slice(0, 10)).toBe(plusDays(fx.date, 14));
      expect(mine.map((r) => r.start_at.getTime())).toEqual(
        [first, altStart, third].map((s) => Date.parse(s)),
      );
      expect(rows.filter((r) => r.series_id === null).map((r) => r.status)).toEqual(["confirmed"]);

      // The manage page of the second occurrence cancels it and the following one.
      const manage = new URL((await page.getAttribute("#manage-link", "href")) ?? "", worker.url);
      manage.searchParams.set("id", mine[1]?.id ?? "");
      await page.goto(manage.toString());
      await page.locator("#facts:not([hidden])").waitFor();
      expect(await page.textContent("#facts")).toContain("Part of a repeating series");
      await page.click("#cancel");
      await page.locator("#scope:not([hidden])").waitFor();
      expect(await page.isChecked("#scope-one")).toBe(true);
      await screenshot(page, "manage-series-cancel-375");
      await checkView(page, report, "manageScope");
      await page.check("#scope-following");
      await page.click("#cancel-yes");
      await expect.poll(() => page.getAttribute("#facts", "data-status")).toBe("cancelled");
      const after = (await appointmentsOf(fx.staffId)).filter((r) => r.series_id !== null);
      expect(after.map((r) => r.status)).toEqual(["confirmed", "cancelled", "cancelled"]);
      expect(report).toEqual({
        series: [],
        seriesError: [],
        seriesDetails: [],
        seriesDone: [],
        manageScope: [],
      });
    } finally {
      await context.close();
    }
  }, 150_000);
});

/** The series' occurrences as the API finds them (their starts, whatever their state). */
async function seriesOf(fx: Fixture, start: string, count: number) {
  const query = new URLSearchParams({
    serviceId: fx.serviceId,
    staffId: fx.staffId,
    start,
    everyWeeks: "1",
    count: String(count),
  });
  const res = await checkedFetch(`${worker.url}/v1/availability/series?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { occurrences: { start: string }[] }).occurrences;
}

/** Monday 09:00–09:30 only: one 30-minute time, which one booking fills. */
const ONE_TIME = { monday: [{ start: "09:00", end: "09:30" }] };

/** Joins the waitlist on the page for the deep link's (full) date and confirms with the code. */
async function joinOnPage(
  page: Page,
  fx: Fixture,
  email: string,
  report: Record<string, string[]>,
) {
  await page.goto(fx.url);
  await page.locator("#notify-offer:not([hidden])").waitFor({ timeout: 20_000 });
  await page.click("#notify-open");
  await page.locator("#notify:not([hidden])").waitFor();
  await checkView(page, report, "notifyForm");
  await page.fill("#wl-name", "Wanda Waiting");
  await page.fill("#wl-email", email);
  await screenshot(page, "book-notify-375");
  await page.click("#notify-join");
  await page.locator("#code-form:not([hidden])").waitFor({ timeout: 15_000 });
  await checkView(page, report, "notifyCode");
  await expect.poll(() => latestWaitlistCode(email), { timeout: 10_000 }).toMatch(/^\d{6}$/);
  await page.fill("#wl-code", await latestWaitlistCode(email));
  await screenshot(page, "book-notify-code-375");
  await page.click("#code-confirm");
  await page.locator("#notify-done:not([hidden])").waitFor({ timeout: 15_000 });
  await screenshot(page, "book-notify-done-375");
  await checkView(page, report, "notifyDone");
}

const entryOf = (email: string) =>
  withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT id, status FROM waitlist_entries WHERE email = ? ORDER BY created_at DESC LIMIT 1",
      [email],
    );
    return (rows as { id: string; status: string }[])[0];
  });

describe("the waitlist", () => {
  it("joins a full date on the booking page, confirms with the emailed code, and books the offer link's time in one step", async () => {
    const fx = await fixture(ONE_TIME, "Colour");
    const [only] = await startsOn(fx, fx.date);
    if (!only) throw new Error("no time on the fixture's date");
    const blocking = await bookThroughApi(fx, only);
    const email = `wanda-${fx.staffId}@example.test`;
    const { page, context } = await visitor();
    const report: Record<string, string[]> = {};
    try {
      await joinOnPage(page, fx, email, report);
      expect(await page.textContent("#notify-done")).toContain("You are on the waitlist");
      expect((await entryOf(email))?.status).toBe("waiting");

      // The blocking booking is cancelled: the time is held for the first person waiting.
      const cancel = await checkedFetch(`${worker.url}/v1/appointments/${blocking.id}/cancel`, {
        method: "POST",
        headers: { "X-Manage-Token": blocking.token },
      });
      expect(cancel.status).toBe(200);
      await expect.poll(() => offerLink(email), { timeout: 15_000 }).toMatch(/action=book/);
      const link = (await offerLink(email)) ?? "";

      // The offer in every language (nothing is booked by looking).
      for (const lang of ["de", "fr", "es"] as const) {
        await page.goto(`${link}&lang=${lang}`);
        await page.locator("#offer:not([hidden])").waitFor();
        await expect.poll(() => page.textContent("#countdown")).toMatch(/^\d+:\d\d$/);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        await screenshot(page, `waitlist-offer-${lang}-375`);
        await checkView(page, report, `offer-${lang}`);
      }
      await page.goto(`${link}&lang=en`);
      await page.locator("#offer:not([hidden])").waitFor();
      expect(await page.textContent("#offer-facts")).toContain("Colour");
      expect(await page.textContent("#offer-facts")).toContain("Test staff");
      await expect.poll(() => page.textContent("#countdown")).toMatch(/^1[0-5]:\d\d$/);
      await screenshot(page, "waitlist-offer-en-375");
      await checkView(page, report, "offer-en");

      await page.click("#book-offer");
      await page.locator("#outcome:not([hidden])").waitFor({ timeout: 20_000 });
      expect(await page.textContent("#outcome-title")).toBe("You are booked");
      expect(await page.getAttribute("#manage-link", "href")).toMatch(/^\/manage\?id=apt_/);
      await screenshot(page, "waitlist-booked-375");
      await checkView(page, report, "booked");
      const booked = (await appointmentsOf(fx.staffId)).filter((r) => r.status === "confirmed");
      expect(booked.map((r) => r.start_at.getTime())).toEqual([Date.parse(only)]);
      expect(booked[0]?.id).toBe(await page.getAttribute("#outcome", "data-appointment"));
      expect((await entryOf(email))?.status).toBe("booked");
      expect(report).toEqual(
        Object.fromEntries(Object.keys(report).map((k) => [k, []])) as Record<string, string[]>,
      );
    } finally {
      await context.close();
    }
  }, 150_000);

  it("leaves the list through the leave link, and an offer link for a left entry says it is no longer valid", async () => {
    const fx = await fixture(ONE_TIME, "Trim");
    const [only] = await startsOn(fx, fx.date);
    if (!only) throw new Error("no time on the fixture's date");
    await bookThroughApi(fx, only);
    const email = `lee-${fx.staffId}@example.test`;
    const joined = await checkedFetch(`${worker.url}/v1/waitlist`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        serviceId: fx.serviceId,
        staffId: fx.staffId,
        date: fx.date,
        email,
        name: "Lee Leaving",
      }),
    });
    expect(joined.status, await joined.clone().text()).toBe(201);
    const { entry, token } = (await joined.json()) as { entry: { id: string }; token: string };
    const leave = `${worker.url}/waitlist?${new URLSearchParams({ id: entry.id, action: "leave", token })}`;
    const { page, context } = await visitor();
    const report: Record<string, string[]> = {};
    try {
      for (const lang of ["de", "fr", "es", "en"] as const) {
        await page.goto(`${leave}&lang=${lang}`);
        await page.locator("#leave:not([hidden])").waitFor();
        await screenshot(page, `waitlist-leave-${lang}-375`);
        await checkView(page, report, `leave-${lang}`);
      }
      await page.click("#leave-yes");
      await page.locator("#outcome:not([hidden])").waitFor({ timeout: 15_000 });
      expect(await page.textContent("#outcome-text")).toContain("You have left the waitlist");
      await screenshot(page, "waitlist-left-375");
      await checkView(page, report, "left");
      expect((await entryOf(email))?.status).toBe("left");

      // A booking link of that entry (with a made-up hold) no longer books anything.
      const stale = new URLSearchParams({
        id: entry.id,
        action: "book",
        hold: `hld_${"a".repeat(16)}_${fx.staffId}`,
        htoken: `${"x".repeat(24)}.e30.${"y".repeat(22)}`,
        token,
      });
      await page.goto(`${worker.url}/waitlist?${stale}`);
      await page.locator("#offer:not([hidden])").waitFor();
      await page.click("#book-offer");
      await page.locator("#outcome:not([hidden])").waitFor({ timeout: 15_000 });
      expect(await page.textContent("#outcome-title")).toMatch(
        /no longer valid|someone else has booked/,
      );
      await screenshot(page, "waitlist-invalid-375");
      await checkView(page, report, "invalid");
      expect(report).toEqual(
        Object.fromEntries(Object.keys(report).map((k) => [k, []])) as Record<string, string[]>,
      );
    } finally {
      await context.close();
    }
  }, 120_000);

  it("serves /waitlist with the pages' strict CSP, no referrer and no-store", async () => {
    const res = await fetch(`${worker.url}/waitlist?id=x&action=leave&token=y`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("the new views in every language", () => {
  it("shows the repeat choice and the waitlist form in en, de, fr and es at 375 px", async () => {
    const fx = await fixture();
    const full = await fixture(ONE_TIME, "Wash");
    const [only] = await startsOn(full, full.date);
    if (!only) throw new Error("no time on the fixture's date");
    await bookThroughApi(full, only);
    const report: Record<string, string[]> = {};
    for (const lang of LANGS) {
      const { page, context } = await visitor(375, 812, lang);
      try {
        await checkSeriesOnPage(page, `${fx.url}&lang=${lang}`, "11:00", 4);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        await screenshot(page, `book-series-${lang}-375`);
        await checkView(page, report, `series-${lang}`);
        await page.click("#series-back");
        await page.locator("#continue-bar:not([hidden])").waitFor();
        await screenshot(page, `book-repeat-${lang}-375`, false);
        await checkView(page, report, `repeat-${lang}`);

        await page.goto(`${full.url}&lang=${lang}`);
        await page.locator("#notify-offer:not([hidden])").waitFor({ timeout: 20_000 });
        await page.click("#notify-open");
        await page.locator("#notify:not([hidden])").waitFor();
        await screenshot(page, `book-notify-${lang}-375`);
        await checkView(page, report, `notify-${lang}`);
      } finally {
        await context.close();
      }
    }
    expect(report).toEqual(
      Object.fromEntries(Object.keys(report).map((k) => [k, []])) as Record<string, string[]>,
    );
  }, 180_000);
});

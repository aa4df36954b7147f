/**
 * The booking and manage pages in a real browser (system Chromium via playwright-core) against
 * the worker under `wrangler dev` and the real test stack. The pages take live states from the
 * real `GET /v1/live` stream (a visitor with a time selected still sends a keep-alive heartbeat);
 * one test serves the stream from the browser's router to drive its `mode: poll` fallback.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_CSP } from "../../scripts/build-web.ts";
import { putSettings } from "../../scripts/lib/seed.ts";
import { RELEASE_LAG_MS } from "../../web/src/stream-places.ts";
import { checkedFetch, testApi } from "../drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../fixtures/catalog-fixtures.ts";
import { withDb } from "../stack/db-direct.ts";
import { TEST_SETTINGS, TEST_STACK } from "../stack/stack-env.ts";
import {
  launchBrowser,
  screenshot,
  seriousViolations,
  startWorker,
  type Worker,
} from "./harness.ts";

/** The page-side bits these tests touch (this file is type-checked without the DOM library). */
interface PageElement {
  id: string;
  dataset: Record<string, string | undefined>;
  matches(selector: string): boolean;
  click(): void;
  requestSubmit(): void;
}
declare const document: {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number };
  querySelector(selector: string): PageElement | null;
};
declare const sessionStorage: { getItem(key: string): string | null };

let worker: Worker;
let browser: Browser;
const api = testApi();

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
  /** The deep link that opens the date's times. */
  url: string;
}

async function fixture(extra: Record<string, unknown> = {}): Promise<Fixture> {
  const service = await createTestService(api, {
    name: "Haircut",
    durationMin: 30,
    bufferAfterMin: 0,
    ...extra,
  });
  const staff = await createTestStaff(api, { serviceIds: [service.id] });
  await publicCatalogShows(service.id, staff.id);
  const date = upcomingMonday();
  const query = new URLSearchParams({ serviceId: service.id, staffId: staff.id, date });
  return { serviceId: service.id, staffId: staff.id, date, url: `${worker.url}/?${query}` };
}

/**
 * The worker serves the public catalog from a per-isolate copy for a few seconds, and
 * the fixture's admin writes went through another isolate: wait until the page's worker lists
 * the new service and staff member, as a visitor would a few seconds after an admin change.
 */
async function publicCatalogShows(serviceId: string, staffId: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const services = await (await checkedFetch(`${worker.url}/v1/services`)).text();
        const staff = await (
          await checkedFetch(`${worker.url}/v1/staff?serviceId=${serviceId}`)
        ).text();
        return services.includes(serviceId) && staff.includes(staffId);
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBe(true);
}

/** A visitor in their own browser context (cookies, storage: another tab of another person). */
async function visitor(
  width = 1280,
  height = 900,
  timezoneId = "Europe/Berlin",
  locale = "en-GB",
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height }, timezoneId, locale });
  const page = await context.newPage();
  return { context, page };
}

const time = (page: Page, start: string) => page.locator(`button.time[data-start="${start}"]`);

/** Waits (generously: the machine is shared) until a time shows `state`. */
async function expectState(page: Page, start: string, state: string): Promise<void> {
  await expect
    .poll(() => time(page, start).getAttribute("data-state"), { timeout: 15_000, interval: 100 })
    .toBe(state);
}

/** Opens the deep link and returns the start of the first time at or after `hhmm`. */
async function openTimes(page: Page, fx: Fixture, hhmm = "10:00"): Promise<string> {
  await page.goto(fx.url);
  await page.locator("button.time[data-start]").first().waitFor({ timeout: 20_000 });
  const starts = await page
    .locator("button.time")
    .evaluateAll((els) => els.map((e) => (e as unknown as PageElement).dataset.start ?? ""));
  const start = starts.find((s) => s.slice(11, 16) >= hhmm);
  if (!start) throw new Error(`no time at or after ${hhmm} in ${starts.join(", ")}`);
  return start;
}

async function fillDetails(page: Page, name = "Ada Visitor"): Promise<void> {
  await page.fill("#name", name);
  await page.fill("#email", "ada@example.test");
}

type Row = { id: string; status: string; start_at: Date };
const appointmentsOf = (staffId: string) =>
  withDb(async (conn) => {
    const [rows] = await conn.query(
      "SELECT id, status, start_at FROM appointments WHERE staff_id = ? ORDER BY created_at",
      [staffId],
    );
    return rows as Row[];
  });

describe("the booking page, two visitors", () => {
  it("shows A's choice to B as viewing, A's hold as held (B is refused), A's booking as booked, and A's cancel frees it", async () => {
    const fx = await fixture();
    const a = await visitor();
    const b = await visitor();
    try {
      // B watches through the real stream: no heartbeat while it has nothing selected.
      const streams: number[] = [];
      let polls = 0;
      b.page.on("response", (res) => {
        if (res.url().includes("/v1/live?")) streams.push(res.status());
      });
      b.page.on("request", (req) => {
        if (req.url().endsWith("/v1/heartbeat")) polls++;
      });
      const start = await openTimes(a.page, fx);
      await openTimes(b.page, fx);
      await expectState(b.page, start, "available");

      // 1. A clicks a time: B sees someone looking at it.
      await time(a.page, start).click();
      await expectState(a.page, start, "mine");
      const clickedMs = Date.now();
      await expectState(b.page, start, "viewing");
      console.log(`[browser] B saw A's selection after ${Date.now() - clickedMs} ms`);
      expect(streams).toContain(200);
      expect(polls).toBe(0);
      await screenshot(b.page, "book-viewing-1280");

      // B chooses the same time too (viewing never blocks), then A continues and holds it.
      await time(b.page, start).click();
      await expectState(b.page, start, "mine");
      await a.page.click("#continue");
      await a.page.locator("#details:not([hidden])").waitFor();
      await expect.poll(() => a.page.textContent("#countdown")).toMatch(/^\d+:\d\d$/);

      // 2. B sees it held, and B's own attempt is refused in plain words.
      await expectState(b.page, start, "held");
      await b.page.click("#continue");
      await expect
        .poll(() => b.page.textContent("#alert"), { timeout: 10_000 })
        .toContain("Someone else is holding this time");
      expect(await time(b.page, start).getAttribute("data-state")).toBe("held");
      await screenshot(b.page, "book-refused-1280");

      // 3. A books: B sees it booked.
      await fillDetails(a.page);
      await screenshot(a.page, "book-details-1280");
      await a.page.click("#book");
      await a.page.locator("#done:not([hidden])").waitFor({ timeout: 20_000 });
      await expectState(b.page, start, "booked");

      // 4. A's confirmation shows the manage link and the calendar file's link.
      const manage = await a.page.getAttribute("#manage-link", "href");
      expect(manage).toMatch(/^\/manage\?id=apt_[^&]+&token=.+/);
      await a.page.locator("#calendar:not([hidden])").waitFor({ timeout: 10_000 });
      const calendar = await a.page.getAttribute("#calendar-link", "href");
      expect(calendar).toMatch(/^\/v1\/appointments\/apt_[^/]+\/calendar\.ics\?token=.+/);
      await screenshot(a.page, "book-confirmed-1280");
      const [row] = await appointmentsOf(fx.staffId);
      expect(row?.status).toBe("confirmed");
      expect(row?.start_at.getTime()).toBe(Date.parse(start));

      // 5. The manage page cancels: B sees the time free again.
      await a.page.goto(`${worker.url}${manage}`);
      await a.page.locator("#facts:not([hidden])").waitFor();
      expect(await a.page.getAttribute("#facts", "data-status")).toBe("confirmed");
      await screenshot(a.page, "manage-1280");
      await a.page.click("#cancel");
      await a.page.click("#cancel-yes");
      await expect.poll(() => a.page.getAttribute("#facts", "data-status")).toBe("cancelled");
      await expectState(b.page, start, "available");
      expect((await appointmentsOf(fx.staffId)).map((r) => r.status)).toEqual(["cancelled"]);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }, 120_000);
});

/** Books `start` through the worker's API (as another page would have), returning id and token. */
async function bookThroughApi(fx: Fixture, start: string): Promise<{ id: string; token: string }> {
  const base = worker.url;
  const json = { "Content-Type": "application/json" };
  await checkedFetch(
    `${base}/v1/availability?serviceId=${fx.serviceId}&staffId=${fx.staffId}&from=${fx.date}&to=${fx.date}`,
  );
  const hold = (await (
    await checkedFetch(`${base}/v1/holds`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        clientId: "c_browsertest1",
        serviceId: fx.serviceId,
        staffId: fx.staffId,
        start,
      }),
    })
  ).json()) as { holdId: string; holdToken: string };
  const res = await checkedFetch(`${base}/v1/appointments`, {
    method: "POST",
    headers: { ...json, "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({
      holdId: hold.holdId,
      holdToken: hold.holdToken,
      customer: { name: "Grace", email: "grace@example.test" },
    }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { appointment: { id: string }; manageToken: string };
  return { id: body.appointment.id, token: body.manageToken };
}

describe("the manage page", () => {
  it("reschedules: picks a new time, holds it, and moves the appointment atomically", async () => {
    const fx = await fixture();
    const { page, context } = await visitor();
    try {
      const starts = await openTimes(page, fx, "09:00").then(async () =>
        page
          .locator("button.time")
          .evaluateAll((els) => els.map((e) => (e as unknown as PageElement).dataset.start ?? "")),
      );
      const [from, to] = [
        starts.find((s) => s.slice(11, 16) === "09:00"),
        starts.find((s) => s.slice(11, 16) === "14:00"),
      ];
      if (!from || !to) throw new Error("no 09:00 or 14:00");
      const booked = await bookThroughApi(fx, from);
      await page.goto(
        `${worker.url}/manage?id=${booked.id}&token=${encodeURIComponent(booked.token)}`,
      );
      await page.locator("#facts:not([hidden])").waitFor();
      await page.click("#reschedule");
      await page.locator(`button.time[data-start="${to}"]`).waitFor();
      await expectState(page, from, "booked");
      await time(page, to).click();
      await expectState(page, to, "mine");
      await screenshot(page, "manage-reschedule-1280");
      await page.click("#hold");
      await expect.poll(() => page.textContent("#facts"), { timeout: 20_000 }).toContain("14:00");
      expect(new URL(page.url()).searchParams.get("id")).not.toBe(booked.id);
      const rows = await appointmentsOf(fx.staffId);
      expect(rows.map((r) => [r.status, r.start_at.getTime()])).toEqual([
        ["cancelled", Date.parse(from)],
        ["confirmed", Date.parse(to)],
      ]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

/** The Idempotency-Key of every hold the page asks for, with the status it got. */
function holdRequests(page: Page): { key: string; status: number }[] {
  const holds: { key: string; status: number }[] = [];
  page.on("response", (res) => {
    const req = res.request();
    if (req.method() === "POST" && new URL(req.url()).pathname === "/v1/holds")
      holds.push({ key: req.headers()["idempotency-key"] ?? "", status: res.status() });
  });
  return holds;
}

/** Resolves when the page's DELETE of a hold has been answered (the key's hold is released). */
function holdReleased(page: Page): Promise<number> {
  return page
    .waitForResponse(
      (res) =>
        res.request().method() === "DELETE" && new URL(res.url()).pathname.startsWith("/v1/holds/"),
      { timeout: 20_000 },
    )
    .then((res) => res.status());
}

describe("hold keys are spent once a hold is released", () => {
  it("the booking page holds again with a new Idempotency-Key after Change, and books that time", async () => {
    const fx = await fixture();
    const { page, context } = await visitor();
    const holds = holdRequests(page);
    try {
      const start = await openTimes(page, fx);
      await time(page, start).click();
      await page.click("#continue");
      await page.locator("#details:not([hidden])").waitFor();
      const released = holdReleased(page);
      await page.click("#change");
      expect(await released).toBe(204);
      // The same time again: free (it was released), held anew, and booked.
      await expectState(page, start, "available");
      await time(page, start).click();
      await expectState(page, start, "mine");
      await page.click("#continue");
      await page.locator("#details:not([hidden])").waitFor({ timeout: 20_000 });
      await fillDetails(page);
      await page.click("#book");
      await page.locator("#done:not([hidden])").waitFor({ timeout: 20_000 });
      expect(holds.map((h) => h.status)).toEqual([201, 201]);
      expect(new Set(holds.map((h) => h.key)).size).toBe(2);
      const rows = await appointmentsOf(fx.staffId);
      expect(rows.map((r) => [r.status, r.start_at.getTime()])).toEqual([
        ["confirmed", Date.parse(start)],
      ]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("the manage page holds again with a new Idempotency-Key when a failed move is tried again", async () => {
    const fx = await fixture();
    const { page, context } = await visitor();
    const holds = holdRequests(page);
    try {
      const from = await openTimes(page, fx, "09:00");
      const to = await openTimes(page, fx, "14:00");
      const booked = await bookThroughApi(fx, from);
      // The first move never reaches the server (the connection drops): the page releases its
      // hold and offers "Try again".
      let moves = 0;
      await page.route("**/v1/appointments/*/reschedule", (route) =>
        moves++ === 0 ? route.abort("connectionreset") : route.continue(),
      );
      await page.goto(
        `${worker.url}/manage?id=${booked.id}&token=${encodeURIComponent(booked.token)}`,
      );
      await page.locator("#facts:not([hidden])").waitFor();
      await page.click("#reschedule");
      await page.locator(`button.time[data-start="${to}"]`).waitFor();
      await time(page, to).click();
      await expectState(page, to, "mine");
      const released = holdReleased(page);
      await page.click("#hold");
      expect(await released).toBe(204);
      const retry = page.locator("#alert button", { hasText: "Try again" });
      await retry.waitFor({ timeout: 20_000 });
      await retry.click();
      await expect.poll(() => page.textContent("#facts"), { timeout: 20_000 }).toContain("14:00");
      expect(moves).toBe(2);
      expect(holds.map((h) => h.status)).toEqual([201, 201]);
      expect(new Set(holds.map((h) => h.key)).size).toBe(2);
      const rows = await appointmentsOf(fx.staffId);
      expect(rows.map((r) => [r.status, r.start_at.getTime()])).toEqual([
        ["cancelled", Date.parse(from)],
        ["confirmed", Date.parse(to)],
      ]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe("the booking page's robustness", () => {
  it("ends a hold that runs out while the form is open with a clear message, and books nothing", async () => {
    const fx = await fixture();
    const { page, context } = await visitor();
    try {
      // The hold TTL reaches the hold through the offer that availability publishes: short only
      // while this page reads its times, then the shared test settings are restored at once.
      await putSettings(TEST_STACK.mysqlUrl, { ...TEST_SETTINGS, holdTtlS: 5 });
      let start: string;
      try {
        start = await openTimes(page, fx);
      } finally {
        await putSettings(TEST_STACK.mysqlUrl, TEST_SETTINGS);
      }
      await time(page, start).click();
      await expectState(page, start, "mine");
      await page.click("#continue");
      await page.locator("#details:not([hidden])").waitFor();
      await fillDetails(page);
      await expect
        .poll(() => page.textContent("#alert"), { timeout: 20_000 })
        .toContain("ran out, so nothing was booked");
      expect(await page.isHidden("#details")).toBe(true);
      expect(await page.isDisabled("#book")).toBe(true);
      await screenshot(page, "book-hold-expired-1280");
      // The form cannot be sent any more, and nothing was booked.
      await page.evaluate(() => document.querySelector("#form")?.requestSubmit());
      await new Promise((r) => setTimeout(r, 500));
      expect(await appointmentsOf(fx.staffId)).toEqual([]);
    } finally {
      await putSettings(TEST_STACK.mysqlUrl, TEST_SETTINGS);
      await context.close();
    }
  }, 90_000);

  it("books once when Book is clicked twice (one request, one Idempotency-Key)", async () => {
    const fx = await fixture();
    const { page, context } = await visitor();
    const posts: string[] = [];
    page.on("request", (req) => {
      if (req.method() === "POST" && req.url().endsWith("/v1/appointments")) {
        posts.push(req.headers()["idempotency-key"] ?? "");
      }
    });
    try {
      const start = await openTimes(page, fx);
      await time(page, start).click();
      await page.click("#continue");
      await page.locator("#details:not([hidden])").waitFor();
      await fillDetails(page);
      await page.dblclick("#book");
      // And two clicks in one task, before any answer can arrive.
      await page.evaluate(() => {
        const book = document.querySelector("#book");
        book?.click();
        book?.click();
      });
      await page.locator("#done:not([hidden])").waitFor({ timeout: 20_000 });
      expect(new Set(posts).size).toBe(1);
      const rows = await appointmentsOf(fx.staffId);
      expect(rows.filter((r) => r.status === "confirmed")).toHaveLength(1);
      expect(rows).toHaveLength(1);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("serves the pages with a strict Content-Security-Policy", async () => {
    for (const path of ["/", "/manage"]) {
      const res = await fetch(`${worker.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toBe(PAGE_CSP);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)/);
    }
  });
});

describe("the booking page's times", () => {
  it("shows the staff member's time, and a visitor in another zone their own time too, both labelled", async () => {
    const fx = await fixture();
    const { page, context } = await visitor(1280, 900, "America/New_York");
    try {
      const start = await openTimes(page, fx, "09:00");
      expect(start.slice(11, 16)).toBe("09:00");
      const note = (await page.textContent("#times-title + .note")) ?? "";
      expect(note).toContain("UTC+01:00");
      expect(note).toContain("Your own time (America/New_York)");
      // 09:00 in Berlin (UTC+01:00 in December) is 03:00 in New York (UTC−05:00).
      expect(await time(page, start).textContent()).toMatch(/09:00[\s\S]*03:00 yours/);
      await screenshot(page, "book-other-zone-1280");
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe("the booking page with anyone, and on the live stream", () => {
  it("merges the times of every staff member for 'anyone' and books whoever is free", async () => {
    const service = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
    const first = await createTestStaff(api, { serviceIds: [service.id] });
    const second = await createTestStaff(api, { serviceIds: [service.id] });
    await publicCatalogShows(service.id, first.id);
    await publicCatalogShows(service.id, second.id);
    const date = upcomingMonday();
    const { page, context } = await visitor();
    try {
      await page.goto(`${worker.url}/?serviceId=${service.id}&date=${date}`);
      await page.locator("button.time[data-start]").first().waitFor({ timeout: 20_000 });
      expect(await page.inputValue("#staff")).toBe("");
      // Two staff members, one button per start time: 09:00–11:30 and 13:00–16:30.
      expect(await page.locator("button.time").count()).toBe(26);
      expect(await page.getAttribute(`button.date[data-date="${date}"]`, "data-free")).toBe("26");
      await page.locator("button.time").first().click();
      await page.click("#continue");
      await page.locator("#details:not([hidden])").waitFor();
      await fillDetails(page);
      await page.click("#book");
      await page.locator("#done:not([hidden])").waitFor({ timeout: 20_000 });
      const rows = [...(await appointmentsOf(first.id)), ...(await appointmentsOf(second.id))];
      expect(rows.map((r) => r.status)).toEqual(["confirmed"]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("takes live states from GET /v1/live when offered, and polls again when told mode=poll", async () => {
    const fx = await fixture();
    const { page, context } = await visitor();
    const heartbeats: string[] = [];
    page.on("request", (req) => {
      if (req.url().endsWith("/v1/heartbeat")) heartbeats.push(req.postData() ?? "");
    });
    let stream = "";
    // The live stream's contract, served by the browser's router: a snapshot whose body is the
    // heartbeat's answer, then (second test step) a mode event.
    await page.route("**/v1/live?**", (route) =>
      route.fulfill({
        status: 200,
        headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store" },
        body: stream,
      }),
    );
    try {
      // Learn a real start first (no live route yet answers: the page polls on this load).
      const start = await openTimes(page, fx);
      const end = new Date(Date.parse(start) + 30 * 60_000).toISOString();
      stream = `retry: 500\nid: 1-abc\nevent: snapshot\ndata: ${JSON.stringify({
        serverTime: new Date().toISOString(),
        storage: "redis",
        version: "1-abc",
        slots: [{ start, end, state: "held", mine: false }],
      })}\n\n`;
      await page.reload();
      await page.locator("button.time[data-start]").first().waitFor({ timeout: 20_000 });
      // Nobody holds it in Redis: "held" can only have come from the stream.
      await expectState(page, start, "held");
      const polled = heartbeats.length;
      await new Promise((r) => setTimeout(r, 2500));
      expect(heartbeats.length).toBe(polled); // streaming, so no polling
      stream = `event: mode\ndata: {"mode":"poll"}\n\n`;
      await expect.poll(() => heartbeats.length, { timeout: 15_000 }).toBeGreaterThan(polled);
      // The heartbeat now says what Redis says: the time is free.
      await expectState(page, start, "available");
    } finally {
      await context.close();
    }
  }, 90_000);
});

/** A Monday whose week (Monday to Friday) lies in one month, so one month view shows all five. */
function mondayOfOneMonthWeek(): string {
  for (let ahead = 3; ; ahead += 7) {
    const monday = upcomingMonday(ahead);
    if (Number(monday.slice(8)) <= 24) return monday;
  }
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The page's /v1/live requests: answers by date, and how many were open at most at once. */
function watchStreams(page: Page) {
  const answers: { date: string; status: number }[] = [];
  let open = 0;
  let mostOpen = 0;
  const isLive = (url: string) => new URL(url).pathname === "/v1/live";
  page.on("request", (req) => {
    if (!isLive(req.url())) return;
    open++;
    mostOpen = Math.max(mostOpen, open);
  });
  const closed = (req: { url(): string }) => {
    if (isLive(req.url())) open--;
  };
  page.on("requestfinished", closed);
  page.on("requestfailed", closed);
  page.on("response", (res) => {
    if (!isLive(res.url())) return;
    const date = new URL(res.url()).searchParams.get("date") ?? "";
    answers.push({ date, status: res.status() });
  });
  return { answers, mostOpen: () => mostOpen };
}

describe("the booking page's live streams", () => {
  it("sends no client id in any URL: the stream carries it in X-Client-Id, like every other call", async () => {
    const fx = await fixture();
    const { page, context } = await visitor();
    const urls: string[] = [];
    const streamHeaders: Record<string, string>[] = [];
    page.on("request", (req) => {
      urls.push(req.url());
      if (new URL(req.url()).pathname === "/v1/live") streamHeaders.push(req.headers());
    });
    const live = watchStreams(page);
    try {
      const start = await openTimes(page, fx);
      await time(page, start).click();
      await expectState(page, start, "mine");
      await page.click("#continue");
      await page.locator("#details:not([hidden])").waitFor();
      await expect.poll(() => live.answers.some((a) => a.status === 200)).toBe(true);
      const clientId = await page.evaluate(() => sessionStorage.getItem("ae-client-id"));
      expect(clientId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      expect(urls.filter((url) => url.includes(clientId ?? "") || /clientId=/i.test(url))).toEqual(
        [],
      );
      expect(streamHeaders.length).toBeGreaterThan(0);
      for (const headers of streamHeaders) expect(headers["x-client-id"]).toBe(clientId);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("changing dates several times never runs into the per-address limit, and the last date streams", async () => {
    const service = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
    const team = [];
    for (let i = 0; i < 3; i++) team.push(await createTestStaff(api, { serviceIds: [service.id] }));
    for (const member of team) await publicCatalogShows(service.id, member.id);
    const monday = mondayOfOneMonthWeek();
    // Every test here shares one client address, so streams of the tests before this one count
    // under its limit until the server learns they left. A page knows only its own streams:
    // start once the server has surely let the others go (RELEASE_LAG_MS, as the page assumes).
    await new Promise((r) => setTimeout(r, RELEASE_LAG_MS));
    const { page, context } = await visitor();
    const live = watchStreams(page);
    let heartbeats = 0;
    page.on("request", (req) => {
      if (req.url().endsWith("/v1/heartbeat")) heartbeats++;
    });
    const timesOf = (date: string) => page.locator(`button.time[data-start^="${date}"]`).first();
    try {
      // "Anyone": one stream per staff member of the date, three at a time.
      await page.goto(`${worker.url}/?serviceId=${service.id}&date=${monday}`);
      await timesOf(monday).waitFor({ timeout: 20_000 });
      const week = [1, 2, 3, 4].map((days) => addDays(monday, days));
      for (const date of week) {
        await page.click(`button.date[data-date="${date}"]`);
        await timesOf(date).waitFor({ timeout: 20_000 });
      }
      const friday = week.at(-1) ?? "";
      await expect
        .poll(() => live.answers.filter((a) => a.date === friday && a.status === 200).length, {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(3);
      console.log(
        `[browser] streams by date: ${JSON.stringify(live.answers)}, at most ${live.mostOpen()} open`,
      );
      expect(live.answers.filter((a) => a.status !== 200)).toEqual([]);
      expect(live.mostOpen()).toBeLessThanOrEqual(10);
      // Streaming now: the page no longer polls.
      const polled = heartbeats;
      await new Promise((r) => setTimeout(r, 2500));
      expect(heartbeats).toBe(polled);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("reopens live updates after the stream was refused with 429 (polling meanwhile)", async () => {
    const fx = await fixture();
    const { page, context } = await visitor();
    const live = watchStreams(page);
    let heartbeats = 0;
    page.on("request", (req) => {
      if (req.url().endsWith("/v1/heartbeat")) heartbeats++;
    });
    let refusals = 0;
    // The first stream is refused as a full address would be; later ones reach the server.
    await page.route("**/v1/live?**", async (route) => {
      if (refusals++ > 0) return route.fallback();
      await route.fulfill({
        status: 429,
        headers: { "Content-Type": "application/json", "Retry-After": "1" },
        body: JSON.stringify({
          error: { code: "RATE_LIMITED", message: "Too many live streams", requestId: "r" },
        }),
      });
    });
    try {
      const start = await openTimes(page, fx);
      await expect.poll(() => heartbeats, { timeout: 15_000 }).toBeGreaterThan(0);
      await expect
        .poll(() => live.answers.some((a) => a.status === 200), { timeout: 30_000, interval: 250 })
        .toBe(true);
      expect(live.answers.slice(0, 2).map((a) => a.status)).toEqual([429, 200]);
      const polled = heartbeats;
      await new Promise((r) => setTimeout(r, 2500));
      expect(heartbeats).toBe(polled); // streaming again, so no polling
      // And the stream carries others' changes.
      await bookThroughApi(fx, start);
      await expectState(page, start, "booked");
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe("the booking page at 375 px, by keyboard alone", () => {
  it("books with Tab, Enter and typing only, without horizontal scrolling", async () => {
    const fx = await fixture();
    const { page, context } = await visitor(375, 812);
    try {
      // The link without a date: the visitor picks the date in the month view.
      await page.goto(fx.url.replace(/&date=[^&]+/, ""));
      await page.locator("button.date").first().waitFor();
      const month = fx.date.slice(0, 7);
      if ((await page.locator(`button.date[data-date="${fx.date}"]`).count()) === 0) {
        const current = await page.locator("button.date").first().getAttribute("data-date");
        if ((current ?? "") < month) {
          await tabTo(page, 'button[aria-label="Next month"]');
          await page.keyboard.press("Enter");
          await page.locator(`button.date[data-date="${fx.date}"]`).waitFor();
        }
      }
      expect(
        Number(await page.getAttribute(`button.date[data-date="${fx.date}"]`, "data-free")),
      ).toBeGreaterThan(0);
      await tabTo(page, `button.date[data-date="${fx.date}"]`);
      await page.keyboard.press("Enter");
      await page.locator("button.time[data-state='available']").first().waitFor();
      await screenshot(page, "book-times-375");
      await tabTo(page, "button.time[data-state='available']");
      const start = await page.evaluate(() => document.activeElement?.dataset.start);
      await page.keyboard.press("Enter");
      await expectState(page, start ?? "", "mine");
      // The README's picture: what a phone shows once a time is chosen.
      await page.locator("#times-title").evaluate((el) => el.scrollIntoView({ block: "start" }));
      await screenshot(page, "readme-times-375", false);
      await tabTo(page, "#continue");
      await page.keyboard.press("Enter");
      await page.locator("#details:not([hidden])").waitFor();
      await tabTo(page, "#name");
      await page.keyboard.type("Kim Keyboard");
      await page.keyboard.press("Tab");
      await page.keyboard.type("kim@example.test");
      await screenshot(page, "book-details-375");
      await page.keyboard.press("Enter"); // submits the form
      await page.locator("#done:not([hidden])").waitFor({ timeout: 20_000 });
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("done-title");
      await screenshot(page, "book-confirmed-375");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(overflow).toBeLessThanOrEqual(375);
      expect((await appointmentsOf(fx.staffId)).map((r) => r.status)).toEqual(["confirmed"]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe("intake questions", () => {
  const questions = [
    { id: "allergies", kind: "text", label: { en: "Any allergies?" }, required: true },
    {
      id: "length",
      kind: "choice",
      label: { en: "Hair length" },
      options: [
        { value: "short", label: { en: "Short" } },
        { value: "long", label: { en: "Long" } },
      ],
    },
    {
      id: "extras",
      kind: "multichoice",
      label: { en: "Extras" },
      options: [
        { value: "wash", label: { en: "Wash" } },
        { value: "dry", label: { en: "Blow-dry" } },
      ],
    },
    { id: "age", kind: "number", label: { en: "Age" }, min: 0, max: 120 },
    { id: "consent", kind: "boolean", label: { en: "I agree to the terms" }, required: true },
  ];

  it.each([
    [375, 812],
    [1280, 900],
  ])(
    "renders the service's questions with labels, names a missing answer at its field, and books with the answers (%i px)",
    async (width, height) => {
      const fx = await fixture({ questions });
      const { page, context } = await visitor(width, height);
      try {
        const start = await openTimes(page, fx);
        await time(page, start).click();
        await page.click("#continue");
        await page.locator("#details:not([hidden])").waitFor();
        // Every question has its accessible name; the required ones say so.
        expect(await page.getByLabel("Any allergies?").getAttribute("required")).toBe("");
        expect(await page.getByLabel("Hair length").evaluate((el) => el.tagName)).toBe("SELECT");
        expect(await page.getByRole("group", { name: "Extras (optional)" }).count()).toBe(1);
        expect(await page.getByLabel("Age (optional)").getAttribute("type")).toBe("number");
        await fillDetails(page);
        await page.click("#book"); // the required answer is missing: the API names it
        await page.locator("#q-allergies[aria-invalid='true']").waitFor();
        expect(await page.textContent("#q-allergies-error")).toBe("Please answer this question.");
        expect(await page.evaluate(() => document.activeElement?.id)).toBe("q-allergies");
        expect(await seriousViolations(page)).toEqual([]);
        await screenshot(page, `book-questions-error-${width}`);
        await page.fill("#q-allergies", "Peanuts");
        await page.selectOption("#q-length", "long");
        await page.check("#q-extras-dry");
        await page.fill("#q-age", "34");
        await page.click("#book"); // the consent box is not ticked
        await page.locator("#q-consent[aria-invalid='true']").waitFor();
        expect(await page.textContent("#q-consent-error")).toBe(
          "Please tick this box to continue.",
        );
        expect(await page.textContent("#q-allergies-error")).toBe("");
        await page.check("#q-consent");
        await screenshot(page, `book-questions-${width}`);
        await page.click("#book");
        await page.locator("#done:not([hidden])").waitFor({ timeout: 20_000 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(overflow).toBeLessThanOrEqual(width);
        const [row] = await appointmentsOf(fx.staffId);
        const res = await api.admin("GET", `/v1/admin/appointments/${row?.id}`);
        const answers = ((await res.json()) as { answers: { id: string; value: unknown }[] })
          .answers;
        expect(answers.map((a) => [a.id, a.value])).toEqual([
          ["allergies", "Peanuts"],
          ["length", "long"],
          ["extras", ["dry"]],
          ["age", 34],
          ["consent", true],
        ]);
      } finally {
        await context.close();
      }
    },
    90_000,
  );
});

/** Presses Tab until the focused element matches `selector` (at most 150 times). */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe("accessibility (axe-core)", () => {
  it("finds no serious or critical violation on the booking steps and the manage page", async () => {
    const fx = await fixture();
    const { page, context } = await visitor(375, 812);
    try {
      const report: Record<string, unknown> = {};
      const start = await openTimes(page, fx);
      report.times = await seriousViolations(page);
      await time(page, start).click();
      await page.click("#continue");
      await page.locator("#details:not([hidden])").waitFor();
      await page.click("#book"); // empty form: the API's field errors appear inline
      await page.locator("#name[aria-invalid='true']").waitFor();
      await screenshot(page, "book-field-error-375");
      report.details = await seriousViolations(page);
      await fillDetails(page);
      await page.click("#book");
      await page.locator("#done:not([hidden])").waitFor({ timeout: 20_000 });
      report.confirmation = await seriousViolations(page);
      const manage = (await page.getAttribute("#manage-link", "href")) ?? "";
      await page.goto(`${worker.url}${manage}`);
      await page.locator("#facts:not([hidden])").waitFor();
      await screenshot(page, "manage-375");
      report.manage = await seriousViolations(page);
      await page.click("#reschedule");
      await page.locator("button.time[data-start]").first().waitFor();
      report.reschedule = await seriousViolations(page);
      expect(report).toEqual({
        times: [],
        details: [],
        confirmation: [],
        manage: [],
        reschedule: [],
      });
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe("the booking page in the visitor's language", () => {
  it("a German browser books in German: words, dates, prices, lang, no accessibility findings, and a German email", async () => {
    const fx = await fixture();
    const { page, context } = await visitor(375, 812, "Europe/Berlin", "de-DE");
    const email = `lena-${fx.staffId}@example.test`;
    try {
      const start = await openTimes(page, fx);
      expect(await page.getAttribute("html", "lang")).toBe("de");
      expect(await page.title()).toBe("Termin buchen");
      expect(await page.textContent("label[for=service]")).toBe("Leistung");
      expect(await page.textContent("#service-info")).toMatch(/50,00\s€/);
      // Intl's German date: "Montag, 7. Dezember 2026".
      expect(await page.textContent("#times-title")).toMatch(
        /^Zeiten am Montag, \d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}$/,
      );
      expect(await page.locator(".dow").first().textContent()).toMatch(/^Mo\.?$/);
      expect(await time(page, start).textContent()).toContain("frei");
      await time(page, start).click();
      await page.click("#continue");
      await page.locator("#details:not([hidden])").waitFor();
      expect(await page.textContent("#details-title")).toBe("2. Ihre Angaben");
      await page.click("#book"); // empty form: German words for the field errors
      await page.locator("#name[aria-invalid='true']").waitFor();
      expect(await page.textContent("#name-error")).toBe("Bitte geben Sie Ihren Namen ein.");
      await screenshot(page, "book-de-details-375");
      expect(await seriousViolations(page)).toEqual([]);
      await page.fill("#name", "Lena Visitor");
      await page.fill("#email", email);
      await page.click("#book");
      await page.locator("#done:not([hidden])").waitFor({ timeout: 20_000 });
      expect(await page.textContent("#done-title")).toBe("Ihr Termin ist gebucht");
      // The page sent its language: the appointment keeps it, and the confirmation is German.
      const [stored] = await withDb(async (conn) => {
        const [rows] = await conn.query(
          "SELECT a.locale, e.subject FROM appointments a JOIN outbox_emails e ON e.to_email = a.customer_email WHERE a.customer_email = ? AND e.kind = 'confirmation'",
          [email],
        );
        return rows as { locale: string; subject: string }[];
      });
      expect(stored).toEqual({
        locale: "de",
        subject: expect.stringMatching(/^Buchung bestätigt: /),
      });
      expect(await page.textContent("#done-summary")).toMatch(
        /, Montag, \d{1,2}\. \p{L}+ \d{4} um \d\d:\d\d Uhr \(UTC\+0[12]:00\)\. Eine Bestätigung/u,
      );
      await screenshot(page, "book-de-done-375");
      expect(await seriousViolations(page)).toEqual([]);

      // The manage page speaks German too (the choice is remembered only when made on the
      // switch; here the browser's language decides again).
      const manage = (await page.getAttribute("#manage-link", "href")) ?? "";
      await page.goto(`${worker.url}${manage}`);
      await page.locator("#facts:not([hidden])").waitFor();
      expect(await page.getAttribute("html", "lang")).toBe("de");
      expect(await page.textContent("#facts")).toContain("Bestätigt");
      expect(await page.textContent("#reschedule")).toBe("Auf eine andere Zeit verschieben");
      await screenshot(page, "manage-de-375");
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("the switch changes the language, remembers it, and each language shows its own words", async () => {
    const fx = await fixture();
    const { page, context } = await visitor(375, 812);
    try {
      await openTimes(page, fx);
      expect(await page.getAttribute("html", "lang")).toBe("en");
      const titles: Record<string, string> = {
        fr: "Prendre rendez-vous",
        es: "Reservar una cita",
        de: "Termin buchen",
        en: "Book an appointment",
      };
      for (const [lang, title] of Object.entries(titles)) {
        await page.selectOption("#lang", lang);
        await page.waitForFunction(
          (wanted) =>
            (document as unknown as { documentElement: { lang: string } }).documentElement.lang ===
            wanted,
          lang,
        );
        await page.locator("button.time[data-start]").first().waitFor({ timeout: 20_000 });
        expect(await page.textContent("h1")).toBe(title);
        expect(await page.inputValue("#lang")).toBe(lang);
        await screenshot(page, `book-${lang}-375`);
      }
      // Remembered: a fresh load without ?lang= stays in the last choice.
      await page.goto(fx.url);
      await page.locator("button.time[data-start]").first().waitFor({ timeout: 20_000 });
      expect(await page.getAttribute("html", "lang")).toBe("en");
      await page.selectOption("#lang", "es");
      await page.waitForURL(/lang=es/);
      await page.goto(fx.url);
      await page.locator("button.time[data-start]").first().waitFor({ timeout: 20_000 });
      expect(await page.getAttribute("html", "lang")).toBe("es");
      expect(await page.textContent("h1")).toBe("Reservar una cita");
    } finally {
      await context.close();
    }
  }, 120_000);
});

/**
 * A website on another origin (listed in CORS_ORIGINS) driving the API from its own page in a
 * real browser: Chromium sends the CORS preflights and refuses any header the API did not allow,
 * which `app.request` cannot show. The page reads availability with its X-Client-Id, holds,
 * books, opens a live ticket with X-Client-Id and reads the booking with its X-Manage-Token.
 */
import { createServer, type Server } from "node:http";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApi } from "../drivers/api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../fixtures/catalog-fixtures.ts";
import { uniqueId } from "../stack/stack-env.ts";
import { freePort } from "../stack/wrangler-dev.ts";
import { launchBrowser, startWorker, type Worker } from "./harness.ts";

let worker: Worker;
let browser: Browser;
let site: Server;
/** The website's origin: another host and port than the API's. */
let siteOrigin: string;
const api = testApi();

beforeAll(async () => {
  const port = await freePort();
  siteOrigin = `http://localhost:${port}`;
  site = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>Salon</title><p>Book with us</p>");
  });
  await new Promise<void>((resolve) => site.listen(port, "127.0.0.1", resolve));
  [worker, browser] = await Promise.all([
    startWorker("cors", { CORS_ORIGINS: `https://app.example,${siteOrigin}` }),
    launchBrowser(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await new Promise((resolve) => site?.close(resolve));
});

/** What the page saw at each step: a status, or the browser's refusal. */
interface Step {
  step: string;
  status?: number;
  refused?: string;
  requestId?: string | null;
}

describe("a website on another allowed origin", () => {
  it("finds a slot, holds, books, watches and reads its booking with every header the API reads", async () => {
    const service = await createTestService(api, { name: "Cut", durationMin: 30 });
    const staff = await createTestStaff(api, { serviceIds: [service.id] });
    const date = upcomingMonday();
    const page = await browser.newPage();
    await page.goto(`${siteOrigin}/`);
    const steps = await page.evaluate(
      async ({ apiUrl, serviceId, staffId, date, clientId, key }) => {
        const steps: Step[] = [];
        const call = async (step: string, path: string, init: RequestInit = {}) => {
          try {
            const res = await fetch(`${apiUrl}${path}`, init);
            steps.push({ step, status: res.status, requestId: res.headers.get("X-Request-Id") });
            return (await res.json()) as Record<string, unknown>;
          } catch (error) {
            steps.push({ step, refused: String(error) });
            return undefined;
          }
        };
        const query = new URLSearchParams({ serviceId, staffId, from: date, to: date });
        const day = (await call("availability", `/v1/availability?${query}`, {
          headers: { "X-Client-Id": clientId },
        })) as { days: { slots: { start: string; state: string }[] }[] } | undefined;
        const start = day?.days[0]?.slots.find((s) => s.state === "available")?.start;
        if (!start) return steps;
        const hold = (await call("hold", "/v1/holds", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": `${key}-h` },
          body: JSON.stringify({ clientId, serviceId, staffId, start }),
        })) as { holdId: string; holdToken: string } | undefined;
        if (!hold) return steps;
        await call("extend", `/v1/holds/${hold.holdId}`, {
          method: "PATCH",
          headers: { "X-Hold-Token": hold.holdToken },
        });
        await call("ticket", "/v1/live/tickets", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Client-Id": clientId },
          body: JSON.stringify({ staffId, date }),
        });
        const booked = (await call("book", "/v1/appointments", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": key },
          body: JSON.stringify({
            holdId: hold.holdId,
            holdToken: hold.holdToken,
            customer: { name: "Ada Website", email: "ada@example.test" },
          }),
        })) as { appointment: { id: string }; manageToken: string } | undefined;
        if (!booked) return steps;
        await call("read", `/v1/appointments/${booked.appointment.id}`, {
          headers: { "X-Manage-Token": booked.manageToken },
        });
        return steps;
      },
      {
        apiUrl: worker.url,
        serviceId: service.id,
        staffId: staff.id,
        date,
        clientId: uniqueId("c_"),
        key: uniqueId("k"),
      },
    );
    await page.close();
    expect(steps.map(({ step, status, refused }) => ({ step, status, refused }))).toEqual([
      { step: "availability", status: 200, refused: undefined },
      { step: "hold", status: 201, refused: undefined },
      { step: "extend", status: 200, refused: undefined },
      { step: "ticket", status: 201, refused: undefined },
      { step: "book", status: 201, refused: undefined },
      { step: "read", status: 200, refused: undefined },
    ]);
    // The page can read the id it quotes to support.
    for (const step of steps) expect(step.requestId).toMatch(/.+/);
  });
});

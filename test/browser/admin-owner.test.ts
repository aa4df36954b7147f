/**
 * The business app's owner pages and its live stream, in a real browser (system Chromium via
 * playwright-core) against the worker under `wrangler dev` and the real test stack: an owner
 * creates a scoped API key in the app and the key is held to its scope, then revoked; an owner
 * registers a webhook endpoint, rotates its secret and removes it; a manager is offered neither
 * page and the API refuses both; the week view shows a customer's hold through
 * `GET /v1/admin/live`, not a poll. Each page is checked with axe-core, at 375 px, in English
 * and German.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "../../src/domain/webhooks/types.ts";
import { SCOPES } from "../../src/http/admin-scopes.ts";
import { checkedFetch, testApi } from "../drivers/api.ts";
import { randomIp } from "../fixtures/account-fixtures.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../fixtures/catalog-fixtures.ts";
import { newClientId } from "../fixtures/live-fixtures.ts";
import { insertAppointmentWithCells } from "../stack/db-direct.ts";
import { uniqueId } from "../stack/stack-env.ts";
import { businessAppHarness } from "./admin-harness.ts";
import { screenshot, seriousViolations } from "./harness.ts";

/** The page-side globals these tests touch (this file is type-checked without the DOM library). */
declare const document: {
  documentElement: { scrollWidth: number };
  activeElement: { id: string; className: string } | null;
};

const app = businessAppHarness();
const { workerCall, signInOnPage: signIn } = app;
const api = testApi();

/** An account of `role` made with the ADMIN_TOKEN; signed in through the worker's API. */
const account = (role: "owner" | "manager", name: string) => app.accountSession(role, name);

async function appPage(locale: string, width: number): Promise<Page> {
  const context = await app.appContext({
    viewport: { width, height: 900 },
    timezoneId: "UTC",
    locale,
  });
  return context.newPage();
}

/** A webhook receiver on a free local port that answers 200 and counts what it got. */
async function receiver(): Promise<{ url: string; received: string[]; server: Server }> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push(body);
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/${uniqueId("hook-")}`, received, server };
}

async function fitsWidth(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    width,
  );
}

describe("the business app's owner pages", () => {
  it("an owner creates a scoped API key, which works for its scope only, and revokes it", async () => {
    const owner = await account("owner", "Olga Owner");
    const page = await appPage("en-GB", 375);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, owner.email);
    await page.locator("#tab-keys").click();
    await page.locator("#keys").waitFor({ state: "visible" });
    // The scope map's list, every one of it.
    expect(await page.locator("#key-scopes input[type=checkbox]").count()).toBe(SCOPES.length);

    // Nothing ticked: the form says so at the checkboxes and creates nothing.
    const name = uniqueId("Front desk ");
    await page.locator("#key-name").fill(name);
    await page.locator("#key-form button[type=submit]").click();
    await expect.poll(() => page.locator("#key-scopes-error").textContent()).not.toBe("");

    await page.locator('#key-scopes input[value="catalog:read"]').check();
    await page.locator("#key-form button[type=submit]").click();
    const secret = page.locator("#key-secret-value");
    await secret.waitFor({ state: "visible", timeout: 15_000 });
    const key = await secret.inputValue();
    expect(key).toMatch(/^ae_live_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    const id = key.slice("ae_live_".length, "ae_live_".length + 16);
    expect(await page.locator("#key-secret").textContent()).toContain("you won't see it again");
    // Focus lands on the secret, ready to copy.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("key-secret-value");
    const item = page.locator(`#key-list li[data-id="${id}"]`);
    await item.waitFor();
    expect(await item.getAttribute("data-state")).toBe("active");
    expect(await item.locator("code.chip").allTextContents()).toEqual(["catalog:read"]);
    // The list shows the prefix, never the secret.
    expect(await page.locator("#key-list").textContent()).not.toContain(key.slice(25));
    expect(await seriousViolations(page)).toEqual([]);
    await fitsWidth(page, 375);
    await screenshot(page, "admin-owner-keys-secret-375");

    // The key reads the catalog, and nothing else.
    expect((await workerCall("GET", "/v1/admin/services", key)).status).toBe(200);
    expect((await workerCall("GET", "/v1/admin/settings", key)).status).toBe(403);
    expect((await workerCall("GET", "/v1/admin/appointments?limit=1", key)).status).toBe(403);

    await page.locator("#key-secret-done").click();
    expect(await page.locator("#key-secret").isHidden()).toBe(true);
    expect(await secret.inputValue()).toBe("");

    await item.locator("button.revoke").click();
    // The question takes the focus; by keyboard, Enter revokes.
    await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe("danger");
    expect(await item.locator(".confirm").textContent()).toContain(`Revoke “${name}”?`);
    await page.keyboard.press("Enter");
    await expect.poll(() => item.getAttribute("data-state")).toBe("revoked");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("keys-title");
    expect((await workerCall("GET", "/v1/admin/services", key)).status).toBe(401);
    await screenshot(page, "admin-owner-keys-375");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it("an owner registers a webhook endpoint, rotates its secret, sees a delivery, switches it off and removes it", async () => {
    const owner = await account("owner", "Olga Owner");
    const page = await appPage("en-GB", 375);
    const hook = await receiver();
    const url = hook.url;
    try {
      await signIn(page, owner.email);
      await page.locator("#tab-webhooks").click();
      await page.locator("#webhooks").waitFor({ state: "visible" });
      expect(await page.locator("#hook-events input[type=checkbox]").count()).toBe(
        WEBHOOK_EVENT_TYPES.length,
      );
      await page.locator("#hook-url").fill(url);
      await page.locator('#hook-events input[value="appointment.created"]').check();
      await page.locator('#hook-events input[value="appointment.cancelled"]').check();
      await page.locator("#hook-form button[type=submit]").click();
      const secret = page.locator("#hook-secret-value");
      await secret.waitFor({ state: "visible", timeout: 15_000 });
      const first = await secret.inputValue();
      expect(first).toMatch(/^whsec_/);
      const item = page.locator("#hook-list li.item", { hasText: url });
      await item.waitFor();
      expect(await item.getAttribute("data-active")).toBe("true");
      expect(await item.locator("code.chip").allTextContents()).toEqual([
        "appointment.created",
        "appointment.cancelled",
      ]);
      const id = await item.getAttribute("data-id");
      expect(id).toMatch(/^whk_/);
      expect(await seriousViolations(page)).toEqual([]);
      await fitsWidth(page, 375);
      await screenshot(page, "admin-owner-webhooks-375");

      await page.locator("#hook-secret-done").click();
      await item.locator("button.rotate").click();
      await item.locator(".confirm button.danger").click();
      await secret.waitFor({ state: "visible" });
      const second = await secret.inputValue();
      expect(second).toMatch(/^whsec_/);
      expect(second).not.toBe(first);

      // A test event is sent at once and is not a delivery: the attempt log stays empty.
      const sent = await workerCall("POST", `/v1/admin/webhooks/${id}/test`, owner.token);
      expect(sent.status, await sent.clone().text()).toBe(200);
      const fresh = page.locator(`#hook-list li[data-id="${id}"]`);
      await fresh.locator("details summary").click();
      await expect
        .poll(() => fresh.locator(".deliveries li").allTextContents(), { timeout: 10_000 })
        .toEqual(["Nothing sent yet."]);
      await fresh.locator("details summary").click();

      // A real event: an appointment cancelled by the owner, delivered by the Cron Trigger's
      // outbox run (or at once), answered 200 by the receiver.
      const service = await createTestService(api, { name: "Hooked", durationMin: 30 });
      const member = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
      const startMs = Date.parse(`${upcomingMonday(64)}T11:00:00Z`);
      const appointmentId = await insertAppointmentWithCells({
        staffId: member.id,
        serviceId: service.id,
        startMs,
        endMs: startMs + 30 * 60_000,
      });
      const cancelled = await workerCall(
        "POST",
        `/v1/admin/appointments/${appointmentId}/cancel`,
        owner.token,
      );
      expect(cancelled.status, await cancelled.clone().text()).toBe(200);
      await expect
        .poll(
          async () => {
            if (hook.received.some((b) => b.includes(appointmentId))) return true;
            await fetch(`${app.worker.url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
            return hook.received.some((b) => b.includes(appointmentId));
          },
          { timeout: 30_000, interval: 1000 },
        )
        .toBe(true);
      await fresh.locator("details summary").click();
      const delivered = fresh.locator('.deliveries li.delivery[data-status="200"]');
      await delivered.first().waitFor({ timeout: 10_000 });
      expect(await delivered.first().textContent()).toContain("appointment.cancelled, attempt 1");
      expect(await seriousViolations(page)).toEqual([]);
      await fitsWidth(page, 375);
      await screenshot(page, "admin-owner-webhooks-deliveries-375");

      await fresh.locator("button.toggle").click();
      await expect
        .poll(() => page.locator(`#hook-list li[data-id="${id}"]`).getAttribute("data-active"))
        .toBe("false");
      const off = (await (
        await workerCall("GET", `/v1/admin/webhooks/${id}`, owner.token)
      ).json()) as {
        webhook: { active: boolean };
      };
      expect(off.webhook.active).toBe(false);

      const last = page.locator(`#hook-list li[data-id="${id}"]`);
      await last.locator("button.remove").click();
      await last.locator(".confirm button.danger").click();
      await expect.poll(() => page.locator(`#hook-list li[data-id="${id}"]`).count()).toBe(0);
      expect((await workerCall("GET", `/v1/admin/webhooks/${id}`, owner.token)).status).toBe(404);
    } finally {
      // Whatever failed above, the endpoint must not outlive this test.
      const listed = (await (
        await workerCall("GET", "/v1/admin/webhooks", owner.token)
      ).json()) as {
        webhooks: { id: string; url: string }[];
      };
      for (const endpoint of listed.webhooks.filter((w) => w.url === url)) {
        await workerCall("DELETE", `/v1/admin/webhooks/${endpoint.id}`, owner.token);
      }
      hook.server.close();
      await page.context().close();
    }
  }, 180_000);

  it("a manager is offered neither page, and the API refuses both", async () => {
    const manager = await account("manager", "Mo Manager");
    const page = await appPage("en-GB", 1280);
    await signIn(page, manager.email);
    await page.locator("#tab-closures").waitFor({ state: "visible" });
    expect(await page.locator("#tab-keys").isHidden()).toBe(true);
    expect(await page.locator("#tab-webhooks").isHidden()).toBe(true);
    expect(await page.locator("#keys").isHidden()).toBe(true);
    for (const path of ["/v1/admin/api-keys", "/v1/admin/webhooks"]) {
      expect((await workerCall("GET", path, manager.token)).status, path).toBe(403);
    }
    const made = await workerCall("POST", "/v1/admin/api-keys", manager.token, {
      name: "escalation",
      scopes: ["catalog:read"],
    });
    expect(made.status).toBe(403);
    await page.context().close();
  }, 120_000);

  it("speaks German on both pages", async () => {
    const owner = await account("owner", "Olga Owner");
    const page = await appPage("de-DE", 375);
    await signIn(page, owner.email);
    expect(await page.locator("#tab-keys").textContent()).toBe("API-Schlüssel");
    await page.locator("#tab-keys").click();
    await expect.poll(() => page.locator("#keys-title").textContent()).toBe("API-Schlüssel");
    expect(await page.locator("#key-form button[type=submit]").textContent()).toBe(
      "Schlüssel erstellen",
    );
    await page.locator("#key-list li").first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await fitsWidth(page, 375);
    await screenshot(page, "admin-owner-keys-de-375");
    await page.locator("#tab-webhooks").click();
    await expect.poll(() => page.locator("#webhooks-title").textContent()).toBe("Webhooks");
    expect(await page.locator("#hook-form button[type=submit]").textContent()).toBe(
      "Webhook hinzufügen",
    );
    await page.locator("#hook-list li").first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await fitsWidth(page, 375);
    await screenshot(page, "admin-owner-webhooks-de-375");
    await page.context().close();
  }, 120_000);
});

describe("the business app's live stream", () => {
  it("the week view shows a customer's hold within seconds, pushed by GET /v1/admin/live", async () => {
    const service = await createTestService(api, {
      name: "Live cut",
      durationMin: 30,
      bufferAfterMin: 0,
    });
    const member = await createTestStaff(api, { serviceIds: [service.id], timeZone: "UTC" });
    // A Monday about nine weeks out: no other test holds this staff member's times.
    const monday = upcomingMonday(61);
    const owner = await account("owner", "Olga Owner");
    // The worker reads the catalog through its cache: wait until it knows the new staff member.
    await expect
      .poll(
        async () => {
          const staff = await (
            await checkedFetch(`${app.worker.url}/v1/staff?serviceId=${service.id}`)
          ).text();
          const admin = await (await workerCall("GET", "/v1/admin/staff", owner.token)).text();
          return staff.includes(member.id) && admin.includes(member.id);
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(true);

    const page = await appPage("en-GB", 1280);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(new URL(r.url()).pathname));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, owner.email);
    await page.locator("#staff").selectOption(member.id);
    await page.locator("#day").fill(monday);
    await page.locator("#day").dispatchEvent("change");
    await page.locator("#tab-week").click();
    await expect
      .poll(() => page.locator("#day-list section.day").count(), { timeout: 15_000 })
      .toBe(7);
    await expect
      .poll(() => page.locator("#updated").getAttribute("data-via"), { timeout: 15_000 })
      .toBe("stream");
    const appointmentLoads = requests.filter((p) => p === "/v1/admin/appointments").length;

    const clientId = newClientId();
    const availability = await checkedFetch(
      `${app.worker.url}/v1/availability?${new URLSearchParams({ serviceId: service.id, staffId: member.id, from: monday, to: monday })}`,
      { headers: { "X-Client-Id": clientId } },
    );
    const { days } = (await availability.json()) as {
      days: { slots: { start: string; state: string }[] }[];
    };
    const slot = days[0]?.slots.find((s) => s.state === "available");
    if (!slot) throw new Error(`no free time on ${monday}`);
    const heldAtMs = Date.now();
    const held = await fetch(`${app.worker.url}/v1/holds`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": uniqueId("idem-"),
        "CF-Connecting-IP": randomIp(),
      },
      body: JSON.stringify({
        clientId,
        serviceId: service.id,
        staffId: member.id,
        start: slot.start,
      }),
    });
    expect(held.status, await held.clone().text()).toBe(201);
    const { holdId, holdToken } = (await held.json()) as { holdId: string; holdToken: string };
    try {
      const entry = page.locator(
        `#day-list li.live-slot[data-state="held"][data-staff="${member.id}"]`,
      );
      await entry.waitFor({ timeout: 10_000 });
      // The server re-reads every 2 s: well inside the 15 s a poll would take.
      expect(Date.now() - heldAtMs).toBeLessThan(10_000);
      expect(Date.parse((await entry.getAttribute("data-start")) ?? "")).toBe(
        Date.parse(slot.start),
      );
      expect(requests.filter((p) => p === "/v1/admin/live").length).toBeGreaterThanOrEqual(1);
      // No appointments were read again for a hold: it came through the stream.
      expect(requests.filter((p) => p === "/v1/admin/appointments").length).toBe(appointmentLoads);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, "admin-owner-week-live-desktop");

      // Released: the entry leaves the week, again through the stream.
      const released = await fetch(`${app.worker.url}/v1/holds/${holdId}`, {
        method: "DELETE",
        headers: { "X-Hold-Token": holdToken, "CF-Connecting-IP": randomIp() },
      });
      expect(released.status).toBeLessThan(300);
      await expect.poll(() => entry.count(), { timeout: 10_000 }).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await fetch(`${app.worker.url}/v1/holds/${holdId}`, {
        method: "DELETE",
        headers: { "X-Hold-Token": holdToken, "CF-Connecting-IP": randomIp() },
      });
      await page.context().close();
    }
  }, 180_000);
});

/**
 * The API reference page (/docs, Swagger UI) as an integrator meets it: its sections are the
 * document's tags in the document's order, so the public booking flow comes before admin and
 * debug, and each section shows its description.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, startWorker, type Worker } from "./harness.ts";

let worker: Worker;
let browser: Browser;

beforeAll(async () => {
  [worker, browser] = await Promise.all([startWorker("docs"), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("/docs", () => {
  it("lists the public sections first, each with its description", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    try {
      await page.goto(`${worker.url}/docs`);
      await page.waitForSelector(".opblock-tag", { timeout: 60_000 }).catch((error: Error) => {
        throw new Error(`${error.message}; page errors: ${problems.join("; ")}`);
      });
      const sections = await page.$$eval(".opblock-tag", (nodes) =>
        nodes.map((node) => ({
          name: node.getAttribute("data-tag") ?? "",
          description: node.querySelector(".markdown, small")?.textContent?.trim() ?? "",
        })),
      );
      const names = sections.map((s) => s.name);
      expect(names.slice(0, 4)).toEqual(["Catalog", "Availability", "Live state", "Appointments"]);
      const firstAdmin = names.findIndex((n) => n.startsWith("Admin"));
      expect(firstAdmin).toBeGreaterThan(4);
      expect(names.slice(firstAdmin).every((n) => /^(Admin|Debug)/.test(n))).toBe(true);
      for (const section of sections) {
        expect(section.description.length, section.name).toBeGreaterThan(20);
      }
    } finally {
      await page.close();
    }
  }, 90_000);
});

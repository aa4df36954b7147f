/**
 * Every email kind as a mail client's HTML view shows it, in English and German, at a phone's
 * width (375 px) and a desktop reading pane's (700 px), plus one in dark mode: the screenshots go
 * to artifacts/screenshots/email-*.png for a person to look at. The emails are rendered directly
 * from the templates (no worker needed) and loaded with JavaScript off, as mail clients do. Each
 * view is checked for what a reader would notice: nothing wider than the screen, the card and
 * buttons visible, the buttons big enough to tap, and no serious axe-core finding.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Appointment, BookingFacts, OutboxEmail } from "../../src/domain/booking/types.ts";
import {
  cancellationEmail,
  confirmationEmail,
  reminderEmail,
  rescheduleEmail,
  signInCodeEmail,
} from "../../src/domain/email/templates.ts";
import type { Locale } from "../../src/domain/settings/settings.ts";
import { launchBrowser, screenshot, seriousViolations } from "./harness.ts";

/** What the in-page callbacks use (the project's types are the Workers runtime's, not the DOM's). */
interface PageNode {
  getBoundingClientRect(): { height: number; right: number };
}
declare const document: {
  documentElement: { scrollWidth: number };
  body: PageNode;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
};
declare function getComputedStyle(node: PageNode | null): {
  backgroundColor: string;
  color: string;
};

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const NOW_MS = Date.UTC(2026, 11, 1, 8, 0);

const appointment = (locale: Locale, over: Partial<Appointment> = {}): Appointment => ({
  id: "apt_5n2k8q1w7d3f9h4m6p0r",
  staffId: "stf_demo_ana",
  serviceId: "svc_demo_cut",
  status: "confirmed",
  startMs: Date.UTC(2026, 11, 12, 9, 0),
  endMs: Date.UTC(2026, 11, 12, 10, 30),
  occupiedStartMs: Date.UTC(2026, 11, 12, 9, 0),
  occupiedEndMs: Date.UTC(2026, 11, 12, 10, 30),
  timeZone: "Europe/Berlin",
  customer: { name: "Mia Weber-Schönfeld", email: "mia@example.com", phone: null },
  notes: "",
  locale,
  rescheduledFrom: null,
  seriesId: null,
  createdAtMs: NOW_MS,
  updatedAtMs: NOW_MS,
  cancelledAtMs: null,
  attendanceChangedAtMs: null,
  attendanceChangedBy: null,
  answers: [],
  calendar: { uid: "apt_5n2k8q1w7d3f9h4m6p0r", sequence: 0 },
  ...over,
});

const facts: BookingFacts = {
  businessName: "Salon Aurora",
  serviceName: "Haircut & blow-dry",
  staffName: "Ana Lindqvist",
  priceMinor: 6500,
  currency: "EUR",
};
const links = { publicBaseUrl: "https://book.example", manageToken: "Zk3mToken_0123456789abcdef" };

const KINDS: Record<string, (locale: Locale) => OutboxEmail> = {
  confirmation: (locale) =>
    confirmationEmail({ appointments: [appointment(locale)], facts, links, ics: "" }),
  reschedule: (locale) =>
    rescheduleEmail({
      appointments: [
        appointment(locale, {
          startMs: Date.UTC(2026, 11, 15, 13, 0),
          endMs: Date.UTC(2026, 11, 15, 14, 30),
        }),
      ],
      previous: [appointment(locale)],
      facts,
      links,
      ics: "",
    }),
  cancellation: (locale) =>
    cancellationEmail({
      appointment: appointment(locale, { status: "cancelled", cancelledAtMs: NOW_MS }),
      facts,
      publicBaseUrl: links.publicBaseUrl,
      ics: "",
    }),
  reminder: (locale) =>
    reminderEmail({ appointment: appointment(locale), offsetMin: 1440, facts, links, ics: "" }),
  "sign-in-code": (locale) =>
    signInCodeEmail({
      to: "mia@example.com",
      code: "042817",
      locale,
      businessName: "Salon Aurora",
    }),
};

const cases = Object.keys(KINDS).flatMap((kind) =>
  (["en", "de"] as const).flatMap((locale) => [375, 700].map((width) => ({ kind, locale, width }))),
);

describe("emails in a browser", () => {
  it.each(cases)("$kind in $locale at $width px", async ({ kind, locale, width }) => {
    const email = KINDS[kind]?.(locale);
    const context = await browser.newContext({
      viewport: { width, height: 800 },
      javaScriptEnabled: false,
    });
    try {
      const page = await context.newPage();
      await page.setContent(email?.html ?? "", { waitUntil: "load" });
      await screenshot(page, `email-${kind}-${locale}-${width}`);
      const view = await page.evaluate(() => {
        const box = (el: PageNode | null) => el?.getBoundingClientRect() ?? null;
        const buttons = Array.from(document.querySelectorAll("a.ae-primary, a.ae-secondary")).map(
          (a) => {
            const r = a.getBoundingClientRect();
            return { height: r.height, right: r.right };
          },
        );
        return {
          scrollWidth: document.documentElement.scrollWidth,
          title: box(document.querySelector("h1")),
          buttons,
        };
      });
      // Nothing wider than the screen (no sideways scrolling on a phone).
      expect(view.scrollWidth).toBeLessThanOrEqual(width);
      expect(view.title?.height).toBeGreaterThan(0);
      for (const b of view.buttons) {
        expect(b.height).toBeGreaterThanOrEqual(40); // a finger's size
        expect(b.right).toBeLessThanOrEqual(width);
      }
      expect(view.buttons.length).toBe(
        kind === "confirmation" || kind === "reschedule" || kind === "reminder"
          ? 2
          : kind === "cancellation"
            ? 1
            : 0,
      );
      // axe needs script in the page: a second, script-enabled page of the same HTML.
      const checked = await browser.newPage({ viewport: { width, height: 800 } });
      await checked.setContent(email?.html ?? "");
      expect(await seriousViolations(checked)).toEqual([]);
      await checked.close();
    } finally {
      await context.close();
    }
  });

  it.each(["confirmation", "sign-in-code"])("%s in dark mode (German, 375 px)", async (kind) => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 800 },
      colorScheme: "dark",
      javaScriptEnabled: false,
    });
    try {
      const page = await context.newPage();
      await page.setContent(KINDS[kind]?.("de").html ?? "");
      await screenshot(page, `email-${kind}-de-375-dark`);
      const colours = await page.evaluate(() => ({
        page: getComputedStyle(document.body).backgroundColor,
        title: getComputedStyle(document.querySelector("h1")).color,
      }));
      expect(colours).toEqual({ page: "rgb(15, 17, 21)", title: "rgb(244, 244, 245)" });
    } finally {
      await context.close();
    }
  });
});

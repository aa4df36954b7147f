/**
 * Every kind of email in every language: the structure a reader meets (title, greeting, the
 * appointment card's fields, the buttons and where they point), the escaping of every value, the
 * dates and prices in the language's own words, the plain-text part saying the same, and the
 * layout's mail-client rules. One English snapshot per kind shows the whole email.
 */
import { describe, expect, it } from "vitest";
import type { Appointment, BookingFacts, OutboxEmail } from "../booking/types.ts";
import { appointmentCalendar } from "../calendar/ics.ts";
import { type Locale, SUPPORTED_LOCALES } from "../settings/settings.ts";
import { formatDuration, formatOffset, formatPrice, formatTime } from "./format.ts";
import { messagesFor } from "./i18n/index.ts";
import {
  cancellationEmail,
  confirmationEmail,
  reminderEmail,
  rescheduleEmail,
  signInCodeEmail,
  waitlistCodeEmail,
  waitlistOfferEmail,
  systemAlertEmail,
} from "./templates.ts";

const NOW_MS = Date.UTC(2026, 11, 1, 8, 0);
const NBSP = "\u00a0";

const appointment = (over: Partial<Appointment> = {}): Appointment => ({
  id: "apt_5n2k8q1w7d3f9h4m6p0r",
  staffId: "stf_demo_ana",
  serviceId: "svc_demo_cut",
  status: "confirmed",
  startMs: Date.UTC(2026, 11, 7, 9, 0), // 10:00 in Berlin
  endMs: Date.UTC(2026, 11, 7, 9, 45),
  occupiedStartMs: Date.UTC(2026, 11, 7, 9, 0),
  occupiedEndMs: Date.UTC(2026, 11, 7, 10, 0),
  timeZone: "Europe/Berlin",
  customer: { name: "Mia <Weber> & Co", email: "mia@example.com", phone: null },
  notes: "",
  locale: "en",
  answers: [],
  rescheduledFrom: null,
  seriesId: null,
  createdAtMs: NOW_MS,
  updatedAtMs: NOW_MS,
  cancelledAtMs: null,
  attendanceChangedAtMs: null,
  attendanceChangedBy: null,
  calendar: { uid: "apt_5n2k8q1w7d3f9h4m6p0r", sequence: 0 },
  ...over,
});

const facts: BookingFacts = {
  businessName: `Salon "Süd" <b>`,
  serviceName: "Haircut & Colour",
  staffName: "Ana",
  priceMinor: 4500,
  currency: "EUR",
};
const links = { publicBaseUrl: "https://book.example", manageToken: "Zk3mToken_0123456789abcdef" };
const MANAGE =
  "https://book.example/manage?id=apt_5n2k8q1w7d3f9h4m6p0r&token=Zk3mToken_0123456789abcdef";
const ICS =
  "https://book.example/v1/appointments/apt_5n2k8q1w7d3f9h4m6p0r/calendar.ics?token=Zk3mToken_0123456789abcdef";
const ics = (a: Appointment) =>
  appointmentCalendar({
    events: [{ appointment: a, summary: "Haircut with Ana", location: "Salon", description: "" }],
    host: "book.example",
    nowMs: NOW_MS,
  });

const decodeHtml = (html: string) =>
  html
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");

/** What a reader meets in the HTML part, read back out of it. */
function read(html: string) {
  const all = (re: RegExp) => [...html.matchAll(re)];
  return {
    lang: /<html lang="([^"]+)"/.exec(html)?.[1],
    title: decodeHtml(/<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1] ?? ""),
    headTitle: decodeHtml(/<title>([^<]*)<\/title>/.exec(html)?.[1] ?? ""),
    business: decodeHtml(
      /<td class="ae-muted" style="padding:0 4px 14px;[^"]*">([^<]*)</.exec(html)?.[1] ?? "",
    ),
    paragraphs: all(/<p [^>]*>([^<]*)<\/p>/g).map((m) => decodeHtml(m[1] ?? "")),
    rows: all(
      /<div class="ae-muted"[^>]*>([^<]*)<\/div><div class="(ae-text|ae-muted)"[^>]*>([^<]*)<\/div>/g,
    ).map((m) => [decodeHtml(m[1] ?? ""), decodeHtml(m[3] ?? "")]),
    buttons: all(/<a href="([^"]*)" class="ae-(primary|secondary)"[^>]*>([^<]*)<\/a>/g).map(
      (m) => ({ label: decodeHtml(m[3] ?? ""), href: decodeHtml(m[1] ?? ""), kind: m[2] }),
    ),
    links: all(/<a href="([^"]*)" class="ae-link"[^>]*>([^<]*)<\/a>/g).map((m) => ({
      label: decodeHtml(m[2] ?? ""),
      href: decodeHtml(m[1] ?? ""),
    })),
  };
}

/** The layout's mail-client rules, for any email. */
function expectMailSafe(email: OutboxEmail) {
  const html = email.html ?? "";
  const tables = html.match(/<table\b/g)?.length ?? 0;
  expect(tables).toBeGreaterThan(1);
  expect(html.match(/<table role="presentation"/g)?.length).toBe(tables);
  expect(html).toContain("max-width:600px");
  expect(html).toContain('<meta name="color-scheme" content="light dark">');
  expect(html).toMatch(/<style>[\s\S]*@media \(prefers-color-scheme: dark\)[\s\S]*<\/style>/);
  // Nothing fetched: no images, stylesheets, scripts or web fonts.
  expect(html).not.toMatch(/<img|<link|<script|@import|url\(/i);
  // No raw markup from a value: the only tags are the layout's own.
  expect(html).not.toContain("<b>");
  expect(html).not.toContain("<Weber>");
  // The text part has no markup and no escapes (values such as "<Weber>" stay as typed).
  expect(email.body).not.toMatch(/<(p|a|table|td|div|span|h1)\b|&amp;|&lt;|&quot;/);
}

const cardRows = (locale: Locale, a: Appointment = appointment({ locale })) => {
  const m = messagesFor(locale);
  return [
    [m.card.service, "Haircut & Colour"],
    [m.card.staff, "Ana"],
    [m.card.date, expect.any(String)],
    [m.card.time, formatTime(a, m.intl)],
    [m.card.duration, formatDuration(a, m.intl)],
    [m.card.price, formatPrice(4500, "EUR", m.intl)],
    [m.card.reference, "apt_5n2k8q1w7d3f9h4m6p0r"],
  ];
};

const DATES: Record<Locale, string> = {
  en: "Monday, 7 December 2026",
  de: "Montag, 7. Dezember 2026",
  fr: "lundi 7 décembre 2026",
  es: "lunes, 7 de diciembre de 2026",
};

describe.each(SUPPORTED_LOCALES)("emails in %s", (locale) => {
  const m = messagesFor(locale);

  it("confirmation: title, card, Change and Add to calendar buttons, cancel link, text part", () => {
    const a = appointment({ locale });
    const email = confirmationEmail({ appointments: [a], facts, links, ics: ics(a) });
    const seen = read(email.html ?? "");
    expect(email.subject).toBe(
      m.confirmation.subject({ service: "Haircut & Colour", staff: "Ana" }),
    );
    expect(seen.lang).toBe(locale);
    expect(seen.title).toBe(m.confirmation.title);
    expect(seen.headTitle).toBe(email.subject);
    expect(seen.business).toBe(`Salon "Süd" <b>`);
    expect(seen.paragraphs.slice(0, 2)).toEqual([
      m.greeting("Mia <Weber> & Co"),
      m.confirmation.intro(`Salon "Süd" <b>`),
    ]);
    expect(seen.rows).toEqual(cardRows(locale));
    expect(seen.rows[2]).toEqual([m.card.date, DATES[locale]]);
    expect(seen.buttons).toEqual([
      { label: m.buttons.change, href: MANAGE, kind: "primary" },
      { label: m.buttons.addToCalendar, href: ICS, kind: "secondary" },
    ]);
    expect(seen.links).toEqual([{ label: m.cancelLink, href: `${MANAGE}&action=cancel` }]);
    // The text part: the same words and links.
    expect(email.body.split("\n\n")).toEqual([
      m.confirmation.title,
      m.greeting("Mia <Weber> & Co"),
      m.confirmation.intro(`Salon "Süd" <b>`),
      cardRows(locale)
        .map(([label, value]) => `${label}: ${label === m.card.date ? DATES[locale] : value}`)
        .join("\n"),
      [
        `${m.buttons.change}: ${MANAGE}`,
        `${m.buttons.addToCalendar}: ${ICS}`,
        `${m.cancelLink}: ${MANAGE}&action=cancel`,
      ].join("\n"),
      m.confirmation.attachment,
      `— Salon "Süd" <b>\n${m.footer(`Salon "Süd" <b>`)}`,
    ]);
    expect(email.attachments.map((f) => f.filename)).toEqual(["appointment.ics"]);
    expectMailSafe(email);
  });

  it("confirmation of several slots: one card each, each with its own links", () => {
    const first = appointment({ locale });
    const second = appointment({
      locale,
      id: "apt_second0000000000000",
      startMs: Date.UTC(2026, 11, 14, 9, 0),
      endMs: Date.UTC(2026, 11, 14, 9, 45),
    });
    const email = confirmationEmail({ appointments: [first, second], facts, links, ics: "" });
    const seen = read(email.html ?? "");
    expect(seen.paragraphs[1]).toBe(m.confirmation.introSeveral(`Salon "Süd" <b>`, 2));
    expect(seen.rows.filter(([label]) => label === m.card.reference).map(([, v]) => v)).toEqual([
      "apt_5n2k8q1w7d3f9h4m6p0r",
      "apt_second0000000000000",
    ]);
    expect(seen.buttons.map((b) => b.href)).toEqual([
      MANAGE,
      ICS,
      MANAGE.replace("apt_5n2k8q1w7d3f9h4m6p0r", "apt_second0000000000000"),
      ICS.replace("apt_5n2k8q1w7d3f9h4m6p0r", "apt_second0000000000000"),
    ]);
  });

  it("reschedule: the new time, the old one struck through, the same buttons", () => {
    const previous = appointment({ locale });
    const moved = appointment({
      locale,
      startMs: Date.UTC(2026, 11, 8, 13, 30),
      endMs: Date.UTC(2026, 11, 8, 14, 15),
      rescheduledFrom: "apt_old",
    });
    const email = rescheduleEmail({
      appointments: [moved],
      previous: [previous],
      facts,
      links,
      ics: "",
    });
    const seen = read(email.html ?? "");
    expect(email.subject).toBe(m.reschedule.subject({ service: "Haircut & Colour", staff: "Ana" }));
    expect(seen.title).toBe(m.reschedule.title);
    expect(seen.rows.map(([label]) => label)).toEqual([
      m.card.service,
      m.card.staff,
      m.card.date,
      m.card.time,
      m.card.previously,
      m.card.duration,
      m.card.price,
      m.card.reference,
    ]);
    expect(seen.rows[3]?.[1]).toBe(formatTime(moved, m.intl));
    expect(seen.rows[4]?.[1]).toBe(`${DATES[locale]}, ${formatTime(previous, m.intl)}`);
    expect(email.html).toContain("text-decoration:line-through;");
    expect(seen.buttons.map((b) => [b.label, b.href])).toEqual([
      [m.buttons.change, MANAGE],
      [m.buttons.addToCalendar, ICS],
    ]);
    expectMailSafe(email);
  });

  it("reschedule without a manage token (session or admin): one Manage button, sign in", () => {
    const a = appointment({ locale });
    const email = rescheduleEmail({
      appointments: [a],
      previous: [a],
      facts,
      links: { publicBaseUrl: links.publicBaseUrl, manageToken: null },
      ics: "",
    });
    const seen = read(email.html ?? "");
    expect(seen.buttons).toEqual([
      {
        label: m.buttons.manage,
        href: "https://book.example/manage?id=apt_5n2k8q1w7d3f9h4m6p0r",
        kind: "primary",
      },
    ]);
    expect(seen.links).toEqual([]);
    expect(email.html).toContain(m.signInToManage.replaceAll("'", "&#39;"));
    expect(email.body).not.toContain("token=");
  });

  it("cancellation: a Cancelled badge, the card, and Book another time", () => {
    const a = appointment({ locale, status: "cancelled", cancelledAtMs: NOW_MS });
    const email = cancellationEmail({
      appointment: a,
      facts,
      publicBaseUrl: links.publicBaseUrl,
      ics: ics(a),
    });
    const seen = read(email.html ?? "");
    expect(seen.title).toBe(m.cancellation.title);
    expect(email.html).toContain(`>${m.card.cancelled}</span>`);
    expect(seen.rows).toEqual(cardRows(locale));
    expect(seen.buttons).toEqual([
      { label: m.buttons.bookAgain, href: "https://book.example/", kind: "primary" },
    ]);
    expect(email.body).toContain(`[${m.card.cancelled}]`);
    expectMailSafe(email);
  });

  it("sign-in code: the code large, in the subject and the text part", () => {
    const email = signInCodeEmail({ to: "mia@example.com", code: "042817", locale });
    const seen = read(email.html ?? "");
    expect(email.subject).toBe(m.signInCode.subject("042817"));
    expect(email.subject.endsWith("042817")).toBe(true);
    expect(seen.title).toBe(m.signInCode.title);
    expect(email.html).toMatch(/font-size:32px;[^>]*>042817<\/td>/);
    expect(seen.buttons).toEqual([]);
    expect(email.body.split("\n\n")).toEqual([
      m.signInCode.title,
      m.greetingNoName,
      m.signInCode.intro,
      "042817",
      m.signInCode.validity,
      m.signInCode.ignore,
      `— AppointEase\n${m.signInCode.footer}`,
    ]);
    expectMailSafe(email);
  });

  it("waitlist code: the code in the subject, a leave link, no sign-in words", () => {
    const email = waitlistCodeEmail({
      to: "mia@example.com",
      code: "042817",
      locale,
      businessName: "Salon <b>Süd</b>",
      serviceName: "Haircut & Colour",
      day: {
        startMs: Date.UTC(2026, 11, 6, 23),
        endMs: Date.UTC(2026, 11, 6, 23),
        timeZone: "Europe/Berlin",
      },
      leaveUrl: "https://book.example/waitlist?id=wtl_1&action=leave&token=t0k",
    });
    const seen = read(email.html ?? "");
    expect(email.kind).toBe("waitlist-code");
    expect(email.subject).toBe(m.waitlistCode.subject("042817"));
    expect(email.subject.endsWith("042817")).toBe(true);
    expect(seen.title).toBe(m.waitlistCode.title);
    expect(email.body).toContain(DATES[locale]);
    expect(seen.buttons).toEqual([
      {
        kind: "secondary",
        label: m.waitlistCode.leave,
        href: "https://book.example/waitlist?id=wtl_1&action=leave&token=t0k",
      },
    ]);
    expect(email.body).not.toContain(m.signInCode.title);
    expectMailSafe(email);
  });

  it("waitlist offer: the time held until, a book button with the link, a leave link", () => {
    const a = appointment({ locale });
    const email = waitlistOfferEmail({
      to: "mia@example.com",
      name: "Mia <Weber>",
      locale,
      facts: {
        businessName: "Salon <b>Süd</b>",
        serviceName: "Haircut & Colour",
        staffName: "Ana",
        priceMinor: 4500,
        currency: "EUR",
      },
      time: { startMs: a.startMs, endMs: a.endMs, timeZone: a.timeZone },
      heldUntilMs: a.startMs - 86_400_000,
      bookUrl: "https://book.example/waitlist?id=wtl_1&action=book&hold=h&htoken=x.y.z&token=t0k",
      leaveUrl: "https://book.example/waitlist?id=wtl_1&action=leave&token=t0k",
    });
    const seen = read(email.html ?? "");
    expect(email.kind).toBe("waitlist-offer");
    expect(email.subject).toBe(
      m.waitlistOffer.subject({ service: "Haircut & Colour", staff: "Ana" }),
    );
    expect(seen.title).toBe(m.waitlistOffer.title);
    expect(seen.buttons).toEqual([
      {
        kind: "primary",
        label: m.waitlistOffer.book,
        href: "https://book.example/waitlist?id=wtl_1&action=book&hold=h&htoken=x.y.z&token=t0k",
      },
      {
        kind: "secondary",
        label: m.waitlistOffer.leave,
        href: "https://book.example/waitlist?id=wtl_1&action=leave&token=t0k",
      },
    ]);
    expect(email.body).toContain(DATES[locale]);
    expect(email.body).toContain(formatTime(a, m.intl));
    expectMailSafe(email);
  });
});

describe("words from Intl", () => {
  const a = appointment();

  it("German: date, time with Uhr and the zone's name, duration and price in euros", () => {
    const de = messagesFor("de");
    const email = confirmationEmail({
      appointments: [{ ...a, locale: "de" }],
      facts,
      links,
      ics: "",
    });
    expect(email.body).toContain("Datum: Montag, 7. Dezember 2026");
    expect(email.body).toContain("Uhrzeit: 10:00–10:45 Uhr (Mitteleuropäische Normalzeit)");
    expect(email.body).toContain("Dauer: 45 Minuten");
    expect(email.body).toContain(`Preis: 45,00${NBSP}€`);
    expect(formatPrice(4500, "EUR", de.intl)).toBe(`45,00${NBSP}€`);
  });

  it("prices follow the currency's decimals; a free service shows none", () => {
    expect(formatPrice(4500, "EUR", "en-GB")).toBe("€45.00");
    expect(formatPrice(4500, "JPY", "en-GB")).toBe("JP¥4,500");
    expect(formatPrice(4500, "JPY", "de-DE")).toBe(`4.500${NBSP}¥`);
    expect(formatPrice(0, "EUR", "en-GB")).toBeNull();
    const free = confirmationEmail({
      appointments: [a],
      facts: { ...facts, priceMinor: 0 },
      links,
      ics: "",
    });
    expect(read(free.html ?? "").rows.map(([label]) => label)).not.toContain("Price");
  });

  it("durations in hours and minutes, in each language", () => {
    const ninety = { ...a, endMs: a.startMs + 90 * 60_000 };
    expect(formatDuration(ninety, "en-GB")).toBe("1 hour, 30 minutes");
    expect(formatDuration(ninety, "de-DE")).toBe("1 Stunde, 30 Minuten");
    expect(formatDuration(ninety, "fr-FR")).toBe(`1${NBSP}heure et 30 minutes`);
    expect(formatDuration(ninety, "es-ES")).toBe("1 hora y 30 minutos");
    expect(formatDuration({ ...a, endMs: a.startMs + 120 * 60_000 }, "en-GB")).toBe("2 hours");
  });

  it("the zone at the appointment's date: summer time in July, another zone's own name", () => {
    const july = { ...a, startMs: Date.UTC(2026, 6, 6, 8), endMs: Date.UTC(2026, 6, 6, 9) };
    expect(formatTime(july, "en-GB")).toBe("10:00–11:00 (Central European Summer Time)");
    const ny = { ...a, timeZone: "America/New_York" };
    expect(formatTime(ny, "es-ES")).toBe("4:00–4:45 (hora estándar oriental)");
  });
});

/** Everything but the random id. */
const shown = ({ id: _id, ...email }: OutboxEmail) => email;

describe("the whole email, in English (snapshots)", () => {
  it("confirmation", () => {
    const a = appointment();
    expect(
      shown(confirmationEmail({ appointments: [a], facts, links, ics: ics(a) })),
    ).toMatchSnapshot();
  });

  it("reschedule", () => {
    const previous = appointment();
    const moved = appointment({
      id: "apt_7d3f9h4m6p0r5n2k8q1w",
      startMs: Date.UTC(2026, 11, 8, 13, 30),
      endMs: Date.UTC(2026, 11, 8, 14, 15),
      rescheduledFrom: previous.id,
      calendar: { uid: previous.calendar.uid, sequence: 2 },
    });
    expect(
      shown(
        rescheduleEmail({
          appointments: [moved],
          previous: [previous],
          facts,
          links,
          ics: ics(moved),
        }),
      ),
    ).toMatchSnapshot();
  });

  it("cancellation", () => {
    const a = appointment({ status: "cancelled", cancelledAtMs: NOW_MS });
    expect(
      shown(
        cancellationEmail({
          appointment: a,
          facts,
          publicBaseUrl: links.publicBaseUrl,
          ics: ics(a),
        }),
      ),
    ).toMatchSnapshot();
  });

  it("reminder", () => {
    const a = appointment();
    expect(
      shown(reminderEmail({ appointment: a, offsetMin: 1440, facts, links, ics: ics(a) })),
    ).toMatchSnapshot();
  });

  it("says a reminder's offset in words, in the customer's language", () => {
    const words = (intl: string) =>
      [1440, 120, 60, 90, 5, 2880, 4320, 1500].map((m) => formatOffset(m, intl));
    expect(words("en-GB")).toEqual([
      "24 hours",
      "2 hours",
      "1 hour",
      "90 minutes",
      "5 minutes",
      "2 days",
      "3 days",
      "25 hours",
    ]);
    expect(words(messagesFor("de").intl).slice(0, 3)).toEqual([
      "24 Stunden",
      "2 Stunden",
      "1 Stunde",
    ]);
  });

  it("a German reminder: German words, the card, the buttons and the calendar file", () => {
    const a = appointment({ locale: "de" });
    const email = reminderEmail({ appointment: a, offsetMin: 120, facts, links, ics: ics(a) });
    expect(email.kind).toBe("reminder");
    expect(email.subject).toMatch(/^Erinnerung: /);
    expect(email.body).toContain("in 2 Stunden");
    expect(email.html).toContain("Ihr Termin steht bald an");
    expect(email.html).toContain("https://book.example/manage?id=");
    expect(email.attachments.map((x) => x.filename)).toEqual(["appointment.ics"]);
  });

  it("never carries the intake answers (they may be private): not the questions, not the values", () => {
    const a = appointment({
      answers: [
        { id: "allergies", kind: "textarea", label: { en: "Any allergies?" }, value: "Peanuts" },
        {
          id: "length",
          kind: "choice",
          label: { en: "Hair length" },
          value: "long",
          options: [{ value: "long", label: { en: "Long hair" } }],
        },
      ],
    });
    const emails = [
      confirmationEmail({ appointments: [a], facts, links, ics: ics(a) }),
      rescheduleEmail({ appointments: [a], previous: [a], facts, links, ics: ics(a) }),
      cancellationEmail({ appointment: a, facts, publicBaseUrl: links.publicBaseUrl, ics: ics(a) }),
    ];
    for (const email of emails) {
      const text = JSON.stringify(email);
      expect(text).toContain(a.id);
      for (const secret of ["Peanuts", "allergies", "Any allergies?", "Hair length", "Long hair"])
        expect(text).not.toContain(secret);
    }
  });

  it("sign-in code", () => {
    expect(
      shown(signInCodeEmail({ to: "mia@example.com", code: "042817", locale: "en" })),
    ).toMatchSnapshot();
  });

  it("a system alert for the operator: the event's facts as rows, escaped in HTML, no attachment", () => {
    const email = systemAlertEmail({
      to: "ops@example.com",
      businessName: "Salon Süd",
      headline: "Redis is down: live state is served from MySQL",
      intro: "Redis stopped answering.",
      facts: [
        ["Event", "system.redis_down"],
        ["error", "<refused> & gone"],
      ],
    });
    expect(email).toMatchObject({ kind: "system-alert", to: "ops@example.com", attachments: [] });
    expect(email.html).toContain("&lt;refused&gt; &amp; gone");
    expect(shown(email)).toMatchSnapshot();
  });
});

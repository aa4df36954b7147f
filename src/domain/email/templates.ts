/**
 * Every email the API sends, in one place: each kind has a subject, a plain-text part and an HTML
 * part built from the same facts (the snapshot test beside this file shows each one). Booking
 * emails name the business, service and staff member, the local date and time with the zone, the
 * price, and carry the customer's manage and cancel links. The manage token appears only here,
 * in the customer's own email. All templates live in one place, so their wording stays one voice.
 */
import type { Appointment, BookingFacts, EmailAttachment, OutboxEmail } from "../booking/types.ts";
import { newId } from "../ids.ts";
import { formatInstant } from "../time/zoned-time.ts";

/** Where links point, and the token that opens the customer's appointments (null: sign in instead). */
export interface EmailLinks {
  publicBaseUrl: string;
  manageToken: string | null;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** "Monday, 7 December 2026, 10:00–11:00 (Europe/Berlin, UTC+01:00)". */
export function localWhen(a: Appointment): string {
  const day = new Intl.DateTimeFormat("en-GB", {
    timeZone: a.timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(a.startMs));
  const start = formatInstant(a.startMs, a.timeZone);
  const end = formatInstant(a.endMs, a.timeZone);
  return `${day}, ${start.slice(11, 16)}–${end.slice(11, 16)} (${a.timeZone}, UTC${start.slice(19)})`;
}

/** "€45.00" for 4500 EUR: minor units by the currency's own number of decimals. */
export function formatPrice(priceMinor: number, currency: string): string {
  const format = new Intl.NumberFormat("en-GB", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(priceMinor / 10 ** digits);
}

/** The customer's links for one appointment (the manage page takes `action=cancel` to confirm). */
export function appointmentLinks(id: string, links: EmailLinks) {
  const base = links.publicBaseUrl;
  if (links.manageToken === null)
    return { manage: `${base}/manage?id=${id}`, cancel: null, ics: null };
  const query = `id=${encodeURIComponent(id)}&token=${encodeURIComponent(links.manageToken)}`;
  return {
    manage: `${base}/manage?${query}`,
    cancel: `${base}/manage?${query}&action=cancel`,
    ics: `${base}/v1/appointments/${id}/calendar.ics?token=${encodeURIComponent(links.manageToken)}`,
  };
}

interface Part {
  text: string[];
  html: string[];
}

function details(a: Appointment, facts: BookingFacts): Part {
  const rows: [string, string][] = [
    ["Service", facts.serviceName],
    ["With", facts.staffName],
    ["When", localWhen(a)],
    ["Price", formatPrice(facts.priceMinor, facts.currency)],
    ["Reference", a.id],
  ];
  return {
    text: rows.map(([label, value]) => `${label}: ${value}`),
    html: [
      "<table>",
      ...rows.map(
        ([label, value]) =>
          `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
      ),
      "</table>",
    ],
  };
}

function linkPart(a: Appointment, links: EmailLinks): Part {
  const url = appointmentLinks(a.id, links);
  if (url.cancel === null || url.ics === null) {
    return {
      text: [`Manage it (sign in with this email address): ${url.manage}`],
      html: [
        `<p><a href="${escapeHtml(url.manage)}">Manage it</a> (sign in with this email address)</p>`,
      ],
    };
  }
  return {
    text: [
      `Change it: ${url.manage}`,
      `Cancel it: ${url.cancel}`,
      `Add to your calendar: ${url.ics}`,
    ],
    html: [
      `<p><a href="${escapeHtml(url.manage)}">Change it</a> · <a href="${escapeHtml(url.cancel)}">Cancel it</a> · <a href="${escapeHtml(url.ics)}">Add to your calendar</a></p>`,
    ],
  };
}

function layout(input: {
  businessName: string;
  greeting: string;
  intro: string;
  blocks: Part[];
  outro?: string;
}): { body: string; html: string } {
  const text = [
    input.greeting,
    "",
    input.intro,
    ...input.blocks.flatMap((b) => ["", ...b.text]),
    ...(input.outro ? ["", input.outro] : []),
    "",
    `— ${input.businessName}`,
  ].join("\n");
  const html = [
    "<!doctype html>",
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>${escapeHtml(input.greeting)}</p>`,
    `<p>${escapeHtml(input.intro)}</p>`,
    ...input.blocks.flatMap((b) => b.html),
    ...(input.outro ? [`<p>${escapeHtml(input.outro)}</p>`] : []),
    `<p>— ${escapeHtml(input.businessName)}</p>`,
    "</body></html>",
  ].join("\n");
  return { body: text, html };
}

function appointmentBlocks(appointments: Appointment[], facts: BookingFacts, links: EmailLinks) {
  return appointments.flatMap((a) => [details(a, facts), linkPart(a, links)]);
}

function calendarAttachment(ics: string): EmailAttachment[] {
  return [
    { filename: "appointment.ics", contentType: "text/calendar; charset=utf-8", content: ics },
  ];
}

export function confirmationEmail(input: {
  appointments: Appointment[];
  facts: BookingFacts;
  links: EmailLinks;
  ics: string;
}): OutboxEmail {
  const [first] = input.appointments;
  const plural = input.appointments.length > 1;
  return {
    id: newId("eml"),
    to: first?.customer.email ?? "",
    subject: `Booking confirmed: ${input.facts.serviceName} with ${input.facts.staffName}`,
    ...layout({
      businessName: input.facts.businessName,
      greeting: `Hello ${first?.customer.name ?? ""},`,
      intro: `your booking at ${input.facts.businessName} is confirmed${plural ? " (one appointment per time)" : ""}:`,
      blocks: appointmentBlocks(input.appointments, input.facts, input.links),
      outro: "The calendar file is attached.",
    }),
    attachments: calendarAttachment(input.ics),
    kind: "confirmation",
  };
}

export function rescheduleEmail(input: {
  appointments: Appointment[];
  previous: Appointment;
  facts: BookingFacts;
  links: EmailLinks;
  ics: string;
}): OutboxEmail {
  const [first] = input.appointments;
  return {
    id: newId("eml"),
    to: input.previous.customer.email,
    subject: `Appointment moved: ${input.facts.serviceName} with ${input.facts.staffName}`,
    ...layout({
      businessName: input.facts.businessName,
      greeting: `Hello ${input.previous.customer.name},`,
      intro: `your appointment at ${input.facts.businessName} on ${localWhen(input.previous)} has moved to ${first ? localWhen(first) : "a new time"}:`,
      blocks: appointmentBlocks(input.appointments, input.facts, input.links),
      outro: "The updated calendar file is attached.",
    }),
    attachments: calendarAttachment(input.ics),
    kind: "reschedule",
  };
}

export function cancellationEmail(input: {
  appointment: Appointment;
  facts: BookingFacts;
  publicBaseUrl: string;
  ics: string;
}): OutboxEmail {
  const a = input.appointment;
  return {
    id: newId("eml"),
    to: a.customer.email,
    subject: `Appointment cancelled: ${input.facts.serviceName} with ${input.facts.staffName}`,
    ...layout({
      businessName: input.facts.businessName,
      greeting: `Hello ${a.customer.name},`,
      intro: `your appointment at ${input.facts.businessName} is cancelled:`,
      blocks: [
        details(a, input.facts),
        {
          text: [`Book another time: ${input.publicBaseUrl}/`],
          html: [`<p><a href="${escapeHtml(`${input.publicBaseUrl}/`)}">Book another time</a></p>`],
        },
      ],
      outro: "The attached calendar file removes it from your calendar.",
    }),
    attachments: calendarAttachment(input.ics),
    kind: "cancellation",
  };
}

/** "24 hours", "2 hours", "90 minutes", "2 days": a reminder's offset in words. */
export function offsetInWords(offsetMin: number): string {
  const [amount, unit] =
    offsetMin % 1440 === 0 && offsetMin > 1440
      ? [offsetMin / 1440, "day"]
      : offsetMin % 60 === 0
        ? [offsetMin / 60, "hour"]
        : [offsetMin, "minute"];
  return `${amount} ${unit}${amount === 1 ? "" : "s"}`;
}

/** A reminder before the start, with the same details, links and calendar file as the confirmation. */
export function reminderEmail(input: {
  appointment: Appointment;
  offsetMin: number;
  facts: BookingFacts;
  links: EmailLinks;
  ics: string;
}): OutboxEmail {
  const a = input.appointment;
  return {
    id: newId("eml"),
    to: a.customer.email,
    subject: `Reminder: ${input.facts.serviceName} with ${input.facts.staffName}, ${localWhen(a)}`,
    ...layout({
      businessName: input.facts.businessName,
      greeting: `Hello ${a.customer.name},`,
      intro: `a reminder of your appointment at ${input.facts.businessName} in ${offsetInWords(input.offsetMin)}:`,
      blocks: appointmentBlocks([a], input.facts, input.links),
      outro: "The calendar file is attached.",
    }),
    attachments: calendarAttachment(input.ics),
    kind: "reminder",
  };
}

/** The subject ends with the code (mail apps show it in the notification). */
export function signInCodeEmail(input: {
  to: string;
  code: string;
  businessName?: string;
}): OutboxEmail {
  const businessName = input.businessName ?? "AppointEase";
  return {
    id: newId("eml"),
    to: input.to,
    subject: `Your sign-in code: ${input.code}`,
    ...layout({
      businessName,
      greeting: "Hello,",
      intro: `your sign-in code is ${input.code}. It works once, for 10 minutes.`,
      blocks: [],
      outro: "If you did not ask for it, ignore this email.",
    }),
    attachments: [],
    kind: "sign-in-code",
  };
}

/**
 * Every email the API sends, in one place. Each kind fills one `EmailContent` (layout.ts renders
 * it as HTML and plain text from the same words) in the customer's language: the appointment's
 * stored `locale`, or the one a code request named. Booking emails name the business, service
 * and staff member, the date and time in words in the appointment's zone, the duration and the
 * price, and carry the customer's manage and calendar links. The manage token appears only here,
 * in the customer's own email.
 *
 * Adding a kind: extend `OutboxEmail["kind"]`, add its words to i18n/messages.ts and every
 * catalogue, and write a function here that builds an `EmailContent` (appointmentCard gives the
 * card with its buttons). docs/architecture/integrations.md ("Emails") has the steps.
 */
import type { Appointment, BookingFacts, EmailAttachment, OutboxEmail } from "../booking/types.ts";
import { newId } from "../ids.ts";
import type { Locale } from "../settings/settings.ts";
import {
  formatDate,
  formatDuration,
  formatOffset,
  formatPrice,
  formatTime,
  formatWhen,
} from "./format.ts";
import { type Messages, messagesFor } from "./i18n/index.ts";
import { type Card, type EmailContent, renderHtml, renderText } from "./layout.ts";

/** Where links point, and the token that opens the customer's appointments (null: sign in instead). */
export interface EmailLinks {
  publicBaseUrl: string;
  manageToken: string | null;
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

/** The card rows of one appointment: service, staff, date, time, duration, price, reference. */
function appointmentRows(a: Appointment, facts: BookingFacts, m: Messages): Card["rows"] {
  const price = formatPrice(facts.priceMinor, facts.currency, m.intl);
  return [
    { label: m.card.service, value: facts.serviceName },
    ...(facts.staffName ? [{ label: m.card.staff, value: facts.staffName }] : []),
    { label: m.card.date, value: formatDate(a, m.intl) },
    { label: m.card.time, value: formatTime(a, m.intl) },
    { label: m.card.duration, value: formatDuration(a, m.intl) },
    ...(price === null ? [] : [{ label: m.card.price, value: price }]),
    { label: m.card.reference, value: a.id, quiet: true },
  ];
}

/**
 * An appointment's card with "Change" and "Add to calendar" (and a small cancel link); without
 * a manage token, one "Manage" button to the sign-in page and a note saying so.
 */
export function appointmentCard(
  a: Appointment,
  facts: BookingFacts,
  links: EmailLinks,
  m: Messages,
): Card {
  const url = appointmentLinks(a.id, links);
  const rows = appointmentRows(a, facts, m);
  if (url.cancel === null || url.ics === null) {
    return {
      rows,
      buttons: [{ label: m.buttons.manage, href: url.manage, primary: true }],
      note: m.signInToManage,
    };
  }
  return {
    rows,
    buttons: [
      { label: m.buttons.change, href: url.manage, primary: true },
      { label: m.buttons.addToCalendar, href: url.ics, primary: false },
    ],
    link: { label: m.cancelLink, href: url.cancel },
  };
}

function calendarAttachment(ics: string): EmailAttachment[] {
  return [
    { filename: "appointment.ics", contentType: "text/calendar; charset=utf-8", content: ics },
  ];
}

/** The rendered parts of one content: subject, text and HTML. */
function rendered(content: EmailContent) {
  return { subject: content.subject, body: renderText(content), html: renderHtml(content) };
}

export function confirmationEmail(input: {
  appointments: Appointment[];
  facts: BookingFacts;
  links: EmailLinks;
  ics: string;
}): OutboxEmail {
  const [first] = input.appointments;
  const locale = first?.locale ?? "en";
  const m = messagesFor(locale);
  const { facts } = input;
  const count = input.appointments.length;
  return {
    id: newId("eml"),
    to: first?.customer.email ?? "",
    ...rendered({
      locale,
      subject: m.confirmation.subject({ service: facts.serviceName, staff: facts.staffName }),
      businessName: facts.businessName,
      title: m.confirmation.title,
      greeting: m.greeting(first?.customer.name ?? ""),
      intro:
        count > 1
          ? m.confirmation.introSeveral(facts.businessName, count)
          : m.confirmation.intro(facts.businessName),
      cards: input.appointments.map((a) => appointmentCard(a, facts, input.links, m)),
      buttons: [],
      closing: [m.confirmation.attachment],
      footer: m.footer(facts.businessName),
    }),
    attachments: calendarAttachment(input.ics),
    kind: "confirmation",
  };
}

export function rescheduleEmail(input: {
  appointments: Appointment[];
  /** The replaced appointments, by start: the new one at each index replaces the one there. */
  previous: Appointment[];
  facts: BookingFacts;
  links: EmailLinks;
  ics: string;
}): OutboxEmail {
  const [first] = input.previous;
  if (!first) throw new Error("a reschedule email needs the appointment it replaces");
  // The customer's language travels with the appointment across moves.
  const locale = first.locale;
  const m = messagesFor(locale);
  const { facts } = input;
  const cards = input.appointments.map((a, i) => {
    const card = appointmentCard(a, facts, input.links, m);
    const replaced = input.previous[i];
    if (!replaced) return card;
    // The old time, struck through, right under the new one.
    const at = card.rows.findIndex((row) => row.label === m.card.time) + 1;
    const previously = {
      label: m.card.previously,
      value: formatWhen(replaced, m.intl),
      struck: true,
    };
    return { ...card, rows: [...card.rows.slice(0, at), previously, ...card.rows.slice(at)] };
  });
  return {
    id: newId("eml"),
    to: first.customer.email,
    ...rendered({
      locale,
      subject: m.reschedule.subject({ service: facts.serviceName, staff: facts.staffName }),
      businessName: facts.businessName,
      title: m.reschedule.title,
      greeting: m.greeting(first.customer.name),
      intro: m.reschedule.intro(facts.businessName),
      cards,
      buttons: [],
      closing: [m.reschedule.attachment],
      footer: m.footer(facts.businessName),
    }),
    attachments: calendarAttachment(input.ics),
    kind: "reschedule",
  };
}

export function cancellationEmail(input: {
  appointment: Appointment;
  /** The other occurrences of a series cancelled with it: a card each. */
  more?: Appointment[];
  facts: BookingFacts;
  publicBaseUrl: string;
  ics: string;
}): OutboxEmail {
  const a = input.appointment;
  const m = messagesFor(a.locale);
  const { facts } = input;
  return {
    id: newId("eml"),
    to: a.customer.email,
    ...rendered({
      locale: a.locale,
      subject: m.cancellation.subject({ service: facts.serviceName, staff: facts.staffName }),
      businessName: facts.businessName,
      title: m.cancellation.title,
      greeting: m.greeting(a.customer.name),
      intro: m.cancellation.intro(facts.businessName),
      cards: [a, ...(input.more ?? [])].map((one) => ({
        badge: m.card.cancelled,
        rows: appointmentRows(one, facts, m),
        buttons: [],
      })),
      buttons: [{ label: m.buttons.bookAgain, href: `${input.publicBaseUrl}/`, primary: true }],
      closing: [m.cancellation.attachment],
      footer: m.footer(facts.businessName),
    }),
    attachments: calendarAttachment(input.ics),
    kind: "cancellation",
  };
}

/** A reminder before the start: the same card, links and calendar file as the confirmation. */
export function reminderEmail(input: {
  appointment: Appointment;
  offsetMin: number;
  facts: BookingFacts;
  links: EmailLinks;
  ics: string;
}): OutboxEmail {
  const a = input.appointment;
  const m = messagesFor(a.locale);
  const { facts } = input;
  return {
    id: newId("eml"),
    to: a.customer.email,
    ...rendered({
      locale: a.locale,
      subject: m.reminder.subject(
        { service: facts.serviceName, staff: facts.staffName },
        formatWhen(a, m.intl),
      ),
      businessName: facts.businessName,
      title: m.reminder.title,
      greeting: m.greeting(a.customer.name),
      intro: m.reminder.intro(facts.businessName, formatOffset(input.offsetMin, m.intl)),
      cards: [appointmentCard(a, facts, input.links, m)],
      buttons: [],
      closing: [m.reminder.attachment],
      footer: m.footer(facts.businessName),
    }),
    attachments: calendarAttachment(input.ics),
    kind: "reminder",
  };
}

/** The subject ends with the code (mail apps show it in the notification). */
export function signInCodeEmail(input: {
  to: string;
  code: string;
  locale: Locale;
  businessName?: string;
}): OutboxEmail {
  const m = messagesFor(input.locale);
  const businessName = input.businessName ?? "AppointEase";
  return {
    id: newId("eml"),
    to: input.to,
    ...rendered({
      locale: input.locale,
      subject: m.signInCode.subject(input.code),
      businessName,
      title: m.signInCode.title,
      greeting: m.greetingNoName,
      intro: m.signInCode.intro,
      code: input.code,
      cards: [],
      buttons: [],
      closing: [m.signInCode.validity, m.signInCode.ignore],
      footer: m.signInCode.footer,
    }),
    attachments: [],
    kind: "sign-in-code",
  };
}

/**
 * A system alert for the operator address in the settings: the same facts as the webhook event,
 * as a list of label and value rows, with no link and no attachment.
 */
export function systemAlertEmail(input: {
  to: string;
  businessName: string;
  headline: string;
  intro: string;
  facts: [string, string][];
}): OutboxEmail {
  // Operators read alerts in English: the facts are the webhook event's own, and technical.
  return {
    id: newId("eml"),
    to: input.to,
    ...rendered({
      locale: "en",
      subject: `[${input.businessName}] ${input.headline}`,
      businessName: input.businessName,
      title: input.headline,
      greeting: "Hello,",
      intro: input.intro,
      cards: [{ rows: input.facts.map(([label, value]) => ({ label, value })), buttons: [] }],
      buttons: [],
      closing: [
        "This alert is sent once per incident. GET /v1/debug/redis-status shows the details.",
      ],
      footer: `${input.businessName}: an alert for the operator address in the settings.`,
    }),
    attachments: [],
    kind: "system-alert",
  };
}

/** What a waitlist email says about the time waited for or offered (the format helpers' fields). */
export interface WaitlistTime {
  startMs: number;
  endMs: number;
  timeZone: string;
}

/** The code that confirms a waitlist entry; like a sign-in code, the subject ends with it. */
export function waitlistCodeEmail(input: {
  to: string;
  code: string;
  locale: Locale;
  businessName: string;
  serviceName: string;
  /** The day waited for (its start, in the zone it is read in). */
  day: WaitlistTime;
  leaveUrl: string;
}): OutboxEmail {
  const m = messagesFor(input.locale);
  const day = formatDate(input.day as Appointment, m.intl);
  return {
    id: newId("eml"),
    to: input.to,
    ...rendered({
      locale: input.locale,
      subject: m.waitlistCode.subject(input.code),
      businessName: input.businessName,
      title: m.waitlistCode.title,
      greeting: m.greetingNoName,
      intro: m.waitlistCode.intro(`${input.serviceName}, ${day}`),
      code: input.code,
      cards: [],
      buttons: [{ label: m.waitlistCode.leave, href: input.leaveUrl, primary: false }],
      closing: [m.waitlistCode.validity, m.waitlistCode.ignore],
      footer: m.waitlistCode.footer,
    }),
    attachments: [],
    kind: "waitlist-code",
  };
}

/** A freed time held for the first person waiting: one card, a button that books it, one that leaves. */
export function waitlistOfferEmail(input: {
  to: string;
  name: string;
  locale: Locale;
  facts: BookingFacts;
  time: WaitlistTime;
  heldUntilMs: number;
  bookUrl: string;
  leaveUrl: string;
}): OutboxEmail {
  const m = messagesFor(input.locale);
  const t = input.time as Appointment;
  const until = new Intl.DateTimeFormat(m.intl, {
    timeZone: input.time.timeZone,
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(input.heldUntilMs));
  const rows = [
    { label: m.card.service, value: input.facts.serviceName },
    { label: m.card.staff, value: input.facts.staffName },
    { label: m.card.date, value: formatDate(t, m.intl) },
    { label: m.card.time, value: formatTime(t, m.intl) },
    { label: m.card.duration, value: formatDuration(t, m.intl) },
  ];
  const price = formatPrice(input.facts.priceMinor, input.facts.currency, m.intl);
  if (price !== null) rows.push({ label: m.card.price, value: price });
  return {
    id: newId("eml"),
    to: input.to,
    ...rendered({
      locale: input.locale,
      subject: m.waitlistOffer.subject({
        service: input.facts.serviceName,
        staff: input.facts.staffName,
      }),
      businessName: input.facts.businessName,
      title: m.waitlistOffer.title,
      greeting: m.greeting(input.name),
      intro: m.waitlistOffer.intro(input.facts.businessName, until),
      cards: [
        {
          rows,
          buttons: [{ label: m.waitlistOffer.book, href: input.bookUrl, primary: true }],
        },
      ],
      buttons: [{ label: m.waitlistOffer.leave, href: input.leaveUrl, primary: false }],
      closing: [],
      footer: m.waitlistOffer.footer,
    }),
    attachments: [],
    kind: "waitlist-offer",
  };
}

/**
 * What a booking change announces: the customer's email (with the calendar file) and one webhook
 * event per appointment. Built inside the booking store's transaction (the facts come from its
 * own reads) and delivered right after the commit.
 */
import { appointmentCalendar, type CalendarEvent } from "../calendar/ics.ts";
import {
  cancellationEmail,
  confirmationEmail,
  reminderEmail,
  rescheduleEmail,
} from "../email/templates.ts";
import { newId } from "../ids.ts";
import { deliverSoon } from "../outbox/deliver.ts";
import type { AuditEntry, DomainContext } from "../ports.ts";
import type { WebhookEvent, WebhookEventType } from "../webhooks/types.ts";
import { presentAppointment } from "./present.ts";
import type { Announcement, Appointment, BookingFacts, DueReminder, OutboxEmail } from "./types.ts";

/** The host part of the public base URL: calendar UIDs are `<uid>@<host>`. */
export function calendarHost(ctx: DomainContext): string {
  return new URL(ctx.deployment.publicBaseUrl).host;
}

/** The customer's view of an appointment in a calendar. */
export function customerCalendarEvent(
  a: Appointment,
  facts: BookingFacts,
  manageUrl: string | null,
): CalendarEvent {
  return {
    appointment: a,
    summary: `${facts.serviceName} with ${facts.staffName}`,
    location: facts.businessName,
    description: manageUrl ? `Change or cancel: ${manageUrl}` : `Reference: ${a.id}`,
  };
}

function manageUrl(ctx: DomainContext, id: string, token: string | null): string | null {
  if (token === null) return null;
  return `${ctx.deployment.publicBaseUrl}/manage?id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}`;
}

function calendarFile(
  ctx: DomainContext,
  appointments: Appointment[],
  facts: BookingFacts,
  token: string | null,
): string {
  return appointmentCalendar({
    events: appointments.map((a) => customerCalendarEvent(a, facts, manageUrl(ctx, a.id, token))),
    host: calendarHost(ctx),
    nowMs: ctx.clock.nowMs(),
  });
}

/** One event: `{type, timestamp, data: {appointment}}`, the appointment as the admin API shows it. */
function webhookEvent(
  ctx: DomainContext,
  type: WebhookEventType,
  appointment: Appointment,
  extra: Record<string, unknown> = {},
): WebhookEvent {
  return {
    id: newId("msg"),
    type,
    appointmentId: appointment.id,
    payload: JSON.stringify({
      type,
      timestamp: new Date(ctx.clock.nowMs()).toISOString(),
      data: { appointment: presentAppointment(appointment), ...extra },
    }),
  };
}

/** `email`, linked to the appointment it is about (the first of several: one email lists them). */
function about(email: OutboxEmail, appointment: Appointment | undefined): OutboxEmail {
  return { ...email, appointmentId: appointment?.id ?? null };
}

/** A new booking: confirmation email (manage links, calendar file) and `appointment.created`. */
export function announceBooking(ctx: DomainContext, manageToken: string) {
  return (appointments: Appointment[], facts: BookingFacts): Announcement => ({
    emails: [
      about(
        confirmationEmail({
          appointments,
          facts,
          links: { publicBaseUrl: ctx.deployment.publicBaseUrl, manageToken },
          ics: calendarFile(ctx, appointments, facts, manageToken),
        }),
        appointments[0],
      ),
    ],
    events: appointments.map((a) => webhookEvent(ctx, "appointment.created", a)),
  });
}

/**
 * A move: one reschedule email (each new time with the one it replaces, struck through) and one
 * `appointment.rescheduled` per new appointment, with the id of the appointment it replaces
 * (`previousAppointmentId`): a series move says exactly which occurrence went where.
 */
export function announceReschedule(ctx: DomainContext, manageToken: () => string | null) {
  return (
    appointments: Appointment[],
    facts: BookingFacts,
    previous: Appointment[],
  ): Announcement => {
    const token = manageToken();
    return {
      emails: [
        about(
          rescheduleEmail({
            appointments,
            previous,
            facts,
            links: { publicBaseUrl: ctx.deployment.publicBaseUrl, manageToken: token },
            ics: calendarFile(ctx, appointments, facts, token),
          }),
          appointments[0],
        ),
      ],
      events: appointments.map((a) =>
        webhookEvent(ctx, "appointment.rescheduled", a, {
          previousAppointmentId: a.rescheduledFrom ?? previous[0]?.id,
        }),
      ),
    };
  };
}

/** A cancel: cancellation email (its calendar file cancels the event) and `appointment.cancelled`. */
export function announceCancel(ctx: DomainContext) {
  // A series scope cancels several occurrences: one email lists them all (its calendar file
  // cancels each event) and each gets its own `appointment.cancelled` (with its `seriesId`).
  return (
    appointment: Appointment,
    facts: BookingFacts,
    more: Appointment[] = [],
  ): Announcement => ({
    emails: [
      about(
        cancellationEmail({
          appointment,
          more,
          facts,
          publicBaseUrl: ctx.deployment.publicBaseUrl,
          ics: calendarFile(ctx, [appointment, ...more], facts, null),
        }),
        appointment,
      ),
    ],
    events: [appointment, ...more].map((a) => webhookEvent(ctx, "appointment.cancelled", a)),
  });
}

/**
 * An attendance mark: `appointment.attended` or `appointment.no_show`, no email. Setting a mark
 * back to `confirmed` announces nothing (no event type says "unmarked").
 */
export function announceAttendance(ctx: DomainContext) {
  return (appointment: Appointment): Announcement => ({
    emails: [],
    events:
      appointment.status === "attended" || appointment.status === "no_show"
        ? [webhookEvent(ctx, `appointment.${appointment.status}`, appointment)]
        : [],
  });
}

/**
 * Reminders: one email each (details, manage links, calendar file, as the confirmation) and
 * `appointment.reminder_sent` with the offset. `manageTokens`: per appointment id, its token
 * (null: the links ask the customer to sign in).
 */
export function announceReminders(
  ctx: DomainContext,
  due: DueReminder[],
  manageTokens: Map<string, string | null>,
): Announcement {
  return {
    emails: due.map((d) => {
      const token = manageTokens.get(d.appointment.id) ?? null;
      const email = reminderEmail({
        appointment: d.appointment,
        offsetMin: d.offsetMin,
        facts: d.facts,
        links: { publicBaseUrl: ctx.deployment.publicBaseUrl, manageToken: token },
        ics: calendarFile(ctx, [d.appointment], d.facts, token),
      });
      return about(email, d.appointment);
    }),
    events: due.map((d) =>
      webhookEvent(ctx, "appointment.reminder_sent", d.appointment, { offsetMin: d.offsetMin }),
    ),
  };
}

/** `build`, whose announcements also carry the admin's audit entry into the transaction. */
export function withAudit<A extends unknown[]>(
  build: (...args: A) => Announcement,
  audit: AuditEntry | undefined,
): (...args: A) => Announcement {
  return audit ? (...args: A) => ({ ...build(...args), audit }) : build;
}

/** After the commit: the first delivery attempt, kept alive past the response. */
export function deliverAnnouncement(ctx: DomainContext, announcement: Announcement): void {
  deliverSoon(ctx, {
    emailIds: announcement.emails.map((e) => e.id),
    eventIds: announcement.events.map((e) => e.id),
  });
}

/**
 * Remembers what a store's transaction announced (the last call wins: a transaction retried after
 * a deadlock builds its announcement again, and only the committed one counts), so that the verb
 * can hand exactly those rows to the first delivery attempt.
 */
export function recorded<A extends unknown[]>(build: (...args: A) => Announcement) {
  let last: Announcement | null = null;
  return {
    announce: (...args: A): Announcement => {
      last = build(...args);
      return last;
    },
    deliver(ctx: DomainContext): void {
      if (last) deliverAnnouncement(ctx, last);
    },
  };
}

/**
 * Calendar verbs: a customer's appointment as a calendar file, a staff member's subscription
 * feed (confirmed appointments of the next 90 days), and the admin's feed keys (stored hashed).
 */

import { calendarHost, customerCalendarEvent } from "../booking/announce.ts";
import { announceFacts } from "../booking/facts.ts";
import { authorized, type Credential } from "../booking/manage-appointment.ts";
import type { Appointment } from "../booking/types.ts";
import { randomToken, secretsEqual, sha256Hex } from "../crypto.ts";
import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { appointmentCalendar, type CalendarEvent, staffFeedCalendar } from "./ics.ts";

/** The feed lists this far ahead: the next 90 days. */
export const FEED_DAYS = 90;
/** At most this many appointments (5 pages of 200, 5 SQL statements): ~11 a day for 90 days. */
const FEED_PAGES = 5;

/** The appointment's calendar file, for its manage token or its customer's session; else 404. */
export async function appointmentCalendarFile({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string } & Credential;
}): Promise<string> {
  const appointment = await authorized(ctx, input.id, input);
  const facts = await announceFacts(ctx, appointment.serviceId, appointment.staffId);
  const manageUrl =
    input.manageToken !== undefined
      ? `${ctx.deployment.publicBaseUrl}/manage?id=${encodeURIComponent(appointment.id)}&token=${encodeURIComponent(input.manageToken)}`
      : null;
  return appointmentCalendar({
    events: [customerCalendarEvent(appointment, facts, manageUrl)],
    host: calendarHost(ctx),
    nowMs: ctx.clock.nowMs(),
  });
}

function feedNotFound(): DomainError {
  return new DomainError("NOT_FOUND", "id: no such calendar feed for this key");
}

/**
 * The staff member's feed: exactly the confirmed appointments that end after now and start within
 * the next 90 days. A wrong, missing or revoked key is 404, like an unknown staff member.
 */
export async function staffCalendarFeed({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { staffId: string; key: string };
}): Promise<string> {
  const stored = await ctx.calendarKeys.find(input.staffId);
  if (stored === null || !(await secretsEqual(await sha256Hex(input.key), stored)))
    throw feedNotFound();
  const [staff, services, settings] = await Promise.all([
    ctx.catalog.getStaff(input.staffId),
    ctx.catalog.listServices({ activeOnly: false }),
    ctx.catalog.getSettings(),
  ]);
  if (!staff) throw feedNotFound();
  const nowMs = ctx.clock.nowMs();
  const appointments: Appointment[] = [];
  for (let page = 0; page < FEED_PAGES; page++) {
    const last = appointments.at(-1);
    const rows = await ctx.bookings.list({
      staffId: input.staffId,
      status: "confirmed",
      // Started up to a day ago and still running counts: it is not over yet.
      fromMs: nowMs - 86_400_000,
      toMs: nowMs + FEED_DAYS * 86_400_000,
      ...(last ? { after: { startMs: last.startMs, id: last.id } } : {}),
      limit: 200,
    });
    appointments.push(...rows);
    if (rows.length < 200) break;
  }
  const names = new Map(services.map((s) => [s.id, s.name]));
  const events: CalendarEvent[] = appointments
    .filter((a) => a.endMs > nowMs)
    .map((a) => ({
      appointment: a,
      // The feed is the staff member's own (its key is a secret): it names the customer.
      summary: `${names.get(a.serviceId) ?? "Appointment"}: ${a.customer.name}`,
      location: settings.businessName,
      description: [
        `Customer: ${a.customer.name} <${a.customer.email}>${a.customer.phone ? `, ${a.customer.phone}` : ""}`,
        ...(a.notes ? [`Notes: ${a.notes}`] : []),
        `Reference: ${a.id}`,
      ].join("\n"),
    }));
  return staffFeedCalendar({
    name: `${staff.name} — ${settings.businessName}`,
    events,
    host: calendarHost(ctx),
    nowMs,
  });
}

/** Creates or replaces the staff member's feed key (the old one stops working); shown once. */
export async function rotateCalendarKey({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { staffId: string };
}): Promise<{ key: string; url: string }> {
  const key = randomToken(24);
  if (
    !(await ctx.calendarKeys.put(
      input.staffId,
      await sha256Hex(key),
      ctx.clock.nowMs(),
      ctx.pendingAudit,
    ))
  )
    throw new DomainError("NOT_FOUND", "id: no such staff member");
  return {
    key,
    url: `${ctx.deployment.publicBaseUrl}/v1/staff/${encodeURIComponent(input.staffId)}/calendar.ics?key=${key}`,
  };
}

export async function revokeCalendarKey({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { staffId: string };
}): Promise<void> {
  if (!(await ctx.calendarKeys.delete(input.staffId, ctx.pendingAudit)))
    throw new DomainError("NOT_FOUND", "id: no calendar key for this staff member");
}

/**
 * Calendar files (RFC 5545), built with ical-generator: one appointment's file (download and
 * email attachment) and a staff member's subscription feed. Times are written in UTC, which every
 * calendar shows in its own zone; no VTIMEZONE is needed.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import type { Appointment } from "../booking/types.ts";

const PROD_ID = { company: "AppointEase", product: "AppointEase Edge", language: "EN" };

/** One event: what it is called, where, and a note (the manage link for a customer). */
export interface CalendarEvent {
  appointment: Appointment;
  summary: string;
  location: string;
  description: string;
}

/**
 * The UID is the appointment's calendar uid (inherited across reschedules) at the deployment's
 * host, so it is globally unique and the same event every time it is served.
 */
function uidOf(appointment: Appointment, host: string): string {
  return `${appointment.calendar.uid}@${host}`;
}

/**
 * SEQUENCE: a reschedule adds 2 (see booking-repo), a cancel adds 1 on top. So the cancel file of
 * an appointment that was moved away (n + 1) is older than the moved event (n + 2), and a calendar
 * that meets both keeps the moved one.
 */
function sequenceOf(appointment: Appointment): number {
  return appointment.calendar.sequence + (appointment.status === "cancelled" ? 1 : 0);
}

function addEvents(
  calendar: ReturnType<typeof ical>,
  events: CalendarEvent[],
  host: string,
  nowMs: number,
) {
  for (const event of events) {
    const a = event.appointment;
    calendar.createEvent({
      id: uidOf(a, host),
      sequence: sequenceOf(a),
      stamp: new Date(nowMs),
      start: new Date(a.startMs),
      end: new Date(a.endMs),
      summary: event.summary,
      location: event.location,
      description: event.description,
      status: a.status === "cancelled" ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
}

/**
 * The calendar file of a customer's appointments: `METHOD:PUBLISH` while confirmed,
 * `METHOD:CANCEL` with `STATUS:CANCELLED` once every event in it is cancelled.
 */
export function appointmentCalendar(input: {
  events: CalendarEvent[];
  host: string;
  nowMs: number;
}): string {
  const cancelled = input.events.every((e) => e.appointment.status === "cancelled");
  const calendar = ical({
    prodId: PROD_ID,
    method: cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
  });
  addEvents(calendar, input.events, input.host, input.nowMs);
  return calendar.toString();
}

/** A staff member's subscription feed: no METHOD (RFC 7986 feeds), a name and a refresh hint. */
export function staffFeedCalendar(input: {
  name: string;
  events: CalendarEvent[];
  host: string;
  nowMs: number;
}): string {
  const calendar = ical({ prodId: PROD_ID, name: input.name, ttl: 15 * 60 });
  addEvents(calendar, input.events, input.host, input.nowMs);
  return calendar.toString();
}

/** The customer emails of the booking life cycle, written to the outbox in the same transaction. */
import { newId } from "../ids.ts";
import { formatInstant } from "../time/zoned-time.ts";
import type { Appointment, OutboxEmail } from "./types.ts";

function when(a: Appointment): string {
  return `${formatInstant(a.startMs, a.timeZone).replace("T", " ").slice(0, 16)} (${a.timeZone})`;
}

function lines(appointments: Appointment[]): string {
  return appointments.map((a) => `- ${when(a)}, appointment ${a.id}`).join("\n");
}

export function confirmationEmail(appointments: Appointment[]): OutboxEmail {
  const [first] = appointments;
  return {
    id: newId("eml"),
    to: first?.customer.email ?? "",
    subject: "Your booking is confirmed",
    body: `Hello ${first?.customer.name ?? ""},\n\nyour booking is confirmed:\n${lines(appointments)}\n\nKeep your manage token to change or cancel it.`,
    kind: "confirmation",
  };
}

export function cancellationEmail(appointment: Appointment): OutboxEmail {
  return {
    id: newId("eml"),
    to: appointment.customer.email,
    subject: "Your appointment is cancelled",
    body: `Hello ${appointment.customer.name},\n\nyour appointment on ${when(appointment)} is cancelled.`,
    kind: "cancellation",
  };
}

export function rescheduleEmail(appointments: Appointment[], previousId: string): OutboxEmail {
  const [first] = appointments;
  return {
    id: newId("eml"),
    to: first?.customer.email ?? "",
    subject: "Your appointment has moved",
    body: `Hello ${first?.customer.name ?? ""},\n\nappointment ${previousId} has moved to:\n${lines(appointments)}`,
    kind: "reschedule",
  };
}

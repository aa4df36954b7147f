/**
 * The appointment as every route shows it (public, customer and admin): the fields of
 * `presentAppointment`, times with the staff member's UTC offset.
 */
import { z } from "@hono/zod-openapi";
import { SUPPORTED_LOCALES } from "../../domain/settings/settings.ts";
import { AppointmentAnswer } from "./question-schema.ts";
import { DateTime, Id } from "./schemas.ts";

const Timestamp = (description: string) => DateTime(description, "2026-11-26T10:00:00.000Z");

export const AppointmentCustomer = z
  .object({
    name: z.string().openapi({ description: "The customer's name.", example: "Mia Weber" }),
    email: z
      .string()
      .openapi({ description: "Where confirmations are sent.", example: "mia@example.com" }),
    phone: z
      .string()
      .nullable()
      .openapi({ description: "Optional phone number.", example: "+49 30 1234567" }),
  })
  .openapi("AppointmentCustomer");

export const AppointmentSchema = z
  .object({
    id: Id("apt_5n2k8q1w7d3f9h4m6p0r").openapi({ description: "The appointment." }),
    status: z.enum(["confirmed", "cancelled", "attended", "no_show"]).openapi({
      description:
        "`confirmed` holds the time; `cancelled` released it. After the start an admin can mark a confirmed appointment `attended` or `no_show`.",
      example: "confirmed",
    }),
    staffId: Id("stf_demo_ana").openapi({ description: "The staff member." }),
    serviceId: Id("svc_demo_cut").openapi({ description: "The service." }),
    start: DateTime(
      "Start, ISO 8601 with the staff member's UTC offset.",
      "2026-12-07T10:00:00+01:00",
    ),
    end: DateTime(
      "End (exclusive), ISO 8601 with the staff member's UTC offset.",
      "2026-12-07T11:00:00+01:00",
    ),
    customer: AppointmentCustomer,
    notes: z
      .string()
      .openapi({ description: "The customer's notes; empty if none.", example: "First visit." }),
    locale: z.enum(SUPPORTED_LOCALES).openapi({
      description:
        "The customer's language: the appointment's emails are written in it (a reschedule keeps it).",
      example: "de",
    }),
    answers: z.array(AppointmentAnswer).openapi({
      description:
        "The answers to the service's intake questions, each with its question as it was asked; empty if none. Shown to the admin API, webhooks and the customer themselves; never in emails or the staff calendar feed.",
    }),
    rescheduledFrom: Id("apt_2b7c9d1e3f5g7h9j1k3m").nullable().openapi({
      description: "The appointment this one replaced by a reschedule, if any.",
    }),
    seriesId: Id("ser_4k8m2q6w9d3f7h1n5p0r").nullable().openapi({
      description:
        "The recurring series it was booked in (a series hold: `repeat`, or slots on several dates); its occurrences share it. Null for a single booking.",
    }),
    createdAt: Timestamp("When the appointment was booked (UTC)."),
    updatedAt: Timestamp("When the appointment last changed (UTC)."),
    cancelledAt: Timestamp("When it was cancelled (UTC); null while confirmed.").nullable(),
    attendanceChangedAt: Timestamp(
      "When its attendance was last set (`attended`, `no_show`, or back to `confirmed`), UTC; null if never.",
    ).nullable(),
    attendanceChangedBy: z.string().nullable().openapi({
      description: "Who set it: `admin` (the admin token); null if never.",
      example: "admin",
    }),
  })
  .openapi("Appointment");

export type AppointmentSchema = z.infer<typeof AppointmentSchema>;

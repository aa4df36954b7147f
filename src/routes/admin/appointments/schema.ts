import { z } from "@hono/zod-openapi";
import { HoldProof } from "../../appointments/schema.ts";
import { AppointmentSchema } from "../../shared/appointment-schema.ts";
import { Id, LocalDate, PageQuery, SlotStart, StaffId, WellFormed } from "../../shared/schemas.ts";

/** Days here are UTC days, not the staff members' local dates: one range for everyone. */
const UtcDay = (description: string, example: string) =>
  LocalDate.optional().openapi({ description, example });

export const AppointmentListQuery = z.strictObject({
  from: UtcDay("Appointments that start on or after this UTC day.", "2026-12-01"),
  to: UtcDay("Appointments that start before this UTC day (exclusive).", "2026-12-08"),
  staffId: StaffId.optional(),
  status: z.enum(["confirmed", "cancelled", "attended", "no_show"]).optional().openapi({
    description:
      "Only appointments in this status; with `customerEmail` and `no_show`, a customer's no-shows.",
    example: "confirmed",
  }),
  customerEmail: z.email().max(320).optional().openapi({
    description: "Only this customer's appointments (the email they booked with, any case).",
    example: "mia@example.com",
  }),
  customerName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine(...WellFormed)
    .optional()
    .openapi({
      description: "Only appointments whose customer's name contains this text (any case).",
      example: "Weber",
    }),
  ...PageQuery,
});

export const AppointmentPage = z
  .object({
    appointments: z.array(AppointmentSchema).openapi({
      description: "By start time, then id.",
    }),
    nextCursor: z.string().nullable().openapi({
      description: "Pass as `cursor` for the next page; null on the last page.",
      example: "MTc2NTA5ODAwMDAwMDphcHRfNW4yazhxMXc3ZDNmOWg0bTZwMHI",
    }),
  })
  .openapi("AppointmentPage");

export const AppointmentIdParam = z.object({
  id: Id("apt_5n2k8q1w7d3f9h4m6p0r").openapi({
    description: "The appointment.",
    param: { name: "id", in: "path" },
  }),
});

export const AdminRescheduleBody = z
  .strictObject({
    start: SlotStart.openapi({
      description:
        "The new start, ISO 8601 with an offset. Need not be an offered slot (admin override).",
    }),
    staffId: StaffId.optional().openapi({
      description: "Move to this staff member (who must perform the service); default: the same.",
    }),
    holdId: HoldProof.holdId.optional().openapi({
      description:
        "A hold of exactly the new time (and staff member), made to keep it while the move is sent: the move books it, so live state shows the time as booked at once. With `holdToken`.",
    }),
    holdToken: HoldProof.holdToken.optional().openapi({ description: "The hold's token." }),
  })
  .refine((body) => (body.holdId === undefined) === (body.holdToken === undefined), {
    message: "holdId and holdToken go together",
    path: ["holdToken"],
  })
  .openapi("AdminRescheduleInput");

export const RescheduledAppointment = z
  .object({
    appointment: AppointmentSchema.openapi({
      description: "The new appointment; `rescheduledFrom` is the old one, now cancelled.",
    }),
  })
  .openapi("AdminRescheduleResult");

export const AttendanceBody = z
  .strictObject({
    status: z.enum(["attended", "no_show", "confirmed"]).openapi({
      description:
        "`attended` or `no_show` (after the start), or `confirmed` to undo a mark (until 7 days after the start).",
      example: "no_show",
    }),
  })
  .openapi("AttendanceInput");

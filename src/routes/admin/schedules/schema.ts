import { z } from "@hono/zod-openapi";
import type { WeeklySchedule } from "../../../domain/availability/types.ts";
import type { DateOverride } from "../../../domain/catalog/types.ts";
import { fromInterval, fromWeekly } from "../../shared/convert.ts";
import { Id, LocalDate, WeeklyHours, WellFormed, WorkingInterval } from "../../shared/schemas.ts";
import { StaffIdParam } from "../staff/schema.ts";

const StaffId = Id("stf_7k3m9q2w5d8f1h4n6p0r").openapi({ description: "The staff member." });

export const OverrideParams = StaffIdParam.extend({
  date: LocalDate.openapi({
    param: { name: "date", in: "path" },
    description: "The staff member's local date.",
  }),
});

export const ScheduleBody = z
  .strictObject({ weekly: WeeklyHours })
  .openapi("ScheduleInput", { description: "Replaces the whole weekly schedule." });

export const StaffSchedule = z
  .object({ staffId: StaffId, weekly: WeeklyHours })
  .openapi("StaffSchedule", {
    description: "Weekly working hours in the staff member's local wall time.",
  });

export const OverrideBody = z
  .strictObject({
    intervals: z
      .array(WorkingInterval)
      .max(24)
      .openapi({
        description: "Working time on that date instead of the weekly hours; `[]` is a day off.",
        example: [{ start: "10:00", end: "14:00" }],
      }),
    note: z
      .string()
      .max(200)
      .refine(...WellFormed)
      .default("")
      .openapi({ description: "Internal note.", example: "Training in the afternoon" }),
  })
  .openapi("DateOverrideInput");

export const DateOverrideSchema = z
  .object({
    staffId: StaffId,
    date: LocalDate,
    intervals: z.array(WorkingInterval),
    note: z.string().openapi({ example: "Training in the afternoon" }),
  })
  .openapi("DateOverride", { description: "Hours that replace the weekly hours on one date." });

export const DateOverrideList = z
  .object({ overrides: z.array(DateOverrideSchema) })
  .openapi("DateOverrideList");

export const OverrideRange = z
  .object({
    from: LocalDate.optional().openapi({ description: "First date (inclusive)." }),
    to: LocalDate.optional().openapi({
      description: "Last date (inclusive).",
      example: "2026-12-31",
    }),
  })
  .refine((range) => !range.from || !range.to || range.from <= range.to, {
    path: ["to"],
    message: "must not be before from",
  });

export function toStaffSchedule(staffId: string, weekly: WeeklySchedule) {
  return { staffId, weekly: fromWeekly(weekly) };
}

export function toDateOverride(override: DateOverride): z.infer<typeof DateOverrideSchema> {
  return { ...override, intervals: override.intervals.map(fromInterval) };
}

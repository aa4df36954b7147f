import { z } from "@hono/zod-openapi";
import { Id, LocalDate, WellFormed } from "../../shared/schemas.ts";

const CLOSURE_ID_EXAMPLE = "clo_3h8k1m6q9w2d5f7n0p4r";

export const ClosureBody = z
  .strictObject({
    startDate: LocalDate.openapi({
      description: "First closed date (inclusive), in the business's time zone.",
      example: "2026-12-24",
    }),
    endDate: LocalDate.openapi({
      description: "Last closed date (inclusive); at most 366 days after startDate.",
      example: "2026-12-26",
    }),
    reason: z
      .string()
      .max(200)
      .refine(...WellFormed)
      .default("")
      .openapi({ description: "Internal note.", example: "Christmas" }),
  })
  .openapi("ClosureInput");

export const Closure = z
  .object({
    id: Id(CLOSURE_ID_EXAMPLE),
    startDate: LocalDate,
    endDate: LocalDate,
    reason: z.string().openapi({ example: "Christmas" }),
  })
  .openapi("Closure", {
    description: "Whole local dates on which nobody can be booked, in the business's time zone.",
  });

export const CreatedClosure = Closure.extend({
  confirmedAppointments: z
    .array(
      z.object({
        id: z.string().openapi({ example: "apt_5n2k8q1w7d3f9h4m6p0r" }),
        staffId: z.string().openapi({ example: "stf_demo_ana" }),
        serviceId: z.string().openapi({ example: "svc_demo_cut" }),
        start: z.string().openapi({
          format: "date-time",
          description: "ISO 8601 with the staff member's offset.",
          example: "2026-12-24T10:00:00+01:00",
        }),
        end: z.string().openapi({ format: "date-time", example: "2026-12-24T11:00:00+01:00" }),
      }),
    )
    .openapi({
      description:
        "The confirmed appointments that start on the closure's dates, by start (at most 200). The closure keeps them: cancel or move each as needed.",
    }),
  moreAppointments: z.boolean().openapi({
    description: "True when more confirmed appointments start on these dates than are listed.",
    example: false,
  }),
}).openapi("CreatedClosure");

export const ClosureList = z.object({ closures: z.array(Closure) }).openapi("ClosureList");

export const ClosureIdParam = z.object({
  id: Id(CLOSURE_ID_EXAMPLE).openapi({ param: { name: "id", in: "path" } }),
});

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

export const ClosureList = z.object({ closures: z.array(Closure) }).openapi("ClosureList");

export const ClosureIdParam = z.object({
  id: Id(CLOSURE_ID_EXAMPLE).openapi({ param: { name: "id", in: "path" } }),
});

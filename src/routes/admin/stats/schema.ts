import { z } from "@hono/zod-openapi";
import { MAX_REPORT_DAYS } from "../../../domain/stats/funnel-report.ts";
import { Id, LocalDate } from "../../shared/schemas.ts";

const DAY_MS = 86_400_000;

export const StatsQuery = z
  .strictObject({
    from: LocalDate.openapi({
      description: "First UTC date (inclusive).",
      param: { name: "from", in: "query" },
    }),
    to: LocalDate.openapi({
      description: `Last UTC date (inclusive); at most ${MAX_REPORT_DAYS} days from \`from\`, counting both.`,
      param: { name: "to", in: "query" },
    }),
    staffId: Id("stf_demo_ana")
      .optional()
      .openapi({
        description: "One staff member; omit for every staff member.",
        param: { name: "staffId", in: "query" },
      }),
  })
  .superRefine((query, ctx) => {
    const days = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1;
    if (days < 1)
      ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
    else if (days > MAX_REPORT_DAYS)
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `must be at most ${MAX_REPORT_DAYS} days from from, counting both`,
      });
  });

const count = (description: string) => z.number().int().openapi({ description, example: 3 });
const rateOf = (description: string) =>
  z.number().nullable().openapi({ description, example: 0.6 });

const FunnelFields = {
  selections: count("Slots selected (viewing markers set)."),
  holdsCreated: count(
    "Holds granted (a hold of several slots counts once; a hold taken back before its holder was answered does not count).",
  ),
  holdsBooked: count("Holds turned into appointments."),
  holdsReleased: count("Holds their holders released."),
  holdsExpired: count("Holds that expired unbooked (counted when the expiry sweep removes them)."),
  bookings: count("Appointments booked (not counting reschedules), by when they were made."),
  cancellations: count("Appointments cancelled (not counting those replaced by a reschedule)."),
  reschedules: count("Appointments moved to a new time."),
  holdToBookingRate: rateOf(
    "holdsBooked / holdsCreated, 4 decimals; null when no hold was created.",
  ),
  selectionToHoldRate: rateOf(
    "holdsCreated / selections, 4 decimals; null when nothing was selected.",
  ),
  slowCalls: z.record(z.string(), z.number().int()).openapi({
    description:
      "Store calls slower than the slow-call threshold (SLOW_CALL_MS above the store's learned round trip), by store and operation, for every staff member (not filtered by `staffId`).",
    example: { "redis:hold": 2, "fallback:select": 1 },
  }),
};

export const FunnelDay = z
  .object({
    date: z.string().openapi({ format: "date", example: "2026-12-07", description: "UTC date." }),
    ...FunnelFields,
  })
  .openapi("FunnelDay");

export const FunnelReportSchema = z
  .object({
    from: z.string().openapi({ format: "date", example: "2026-12-01" }),
    to: z.string().openapi({ format: "date", example: "2026-12-07" }),
    staffId: z
      .string()
      .nullable()
      .openapi({ example: null, description: "null: every staff member." }),
    partial: z.boolean().openapi({
      example: false,
      description:
        "true when Redis could not be read (it is down, or this isolate is on the fallback): the live counts are then only what the MySQL fallback counted, and `slowCalls` is empty. The appointment counts are always complete.",
    }),
    days: z.array(FunnelDay).openapi({ description: "Every date of the range, in order." }),
    total: z.object(FunnelFields).openapi({ description: "The range as a whole." }),
  })
  .openapi("FunnelReport");

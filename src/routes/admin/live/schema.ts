/** GET /v1/admin/live: its query, headers and the body of its `snapshot` and `change` events. */
import { z } from "@hono/zod-openapi";
import { ADMIN_LIVE_MAX_DAYS } from "../../../domain/live/admin-live.ts";
import { Id, LocalDate } from "../../shared/schemas.ts";

const DAY_MS = 86_400_000;

export const AdminLiveQuery = z
  .strictObject({
    from: LocalDate.openapi({
      description: "First local date of the range (inclusive), in each staff member's own offset.",
      param: { name: "from", in: "query" },
    }),
    to: LocalDate.openapi({
      description: `Last local date (inclusive); at most ${ADMIN_LIVE_MAX_DAYS} days from \`from\`, counting both.`,
      param: { name: "to", in: "query" },
    }),
    staffId: Id("stf_demo_ana")
      .optional()
      .openapi({
        description:
          "One staff member; omit for every staff member (a staff account: its own, and another's is 404).",
        param: { name: "staffId", in: "query" },
      }),
  })
  .superRefine((query, ctx) => {
    const days = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1;
    if (days < 1)
      ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
    else if (days > ADMIN_LIVE_MAX_DAYS)
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `must be at most ${ADMIN_LIVE_MAX_DAYS} days from from, counting both`,
      });
  });

export const AdminLiveHeaders = z.object({
  "last-event-id": z
    .string()
    .max(64)
    .optional()
    .openapi({
      param: { name: "last-event-id", in: "header" },
      description:
        "The last `id` seen (EventSource sends it when it reconnects): no `snapshot` when the range's version is still the same.",
      example: "1-13rtyqm",
    }),
});

const AdminLiveDaySchema = z
  .object({
    staffId: z.string().openapi({ example: "stf_demo_ana" }),
    date: z.string().openapi({ format: "date", example: "2026-12-07" }),
    version: z.string().openapi({
      description:
        "This staff member's date's version, as `POST /v1/heartbeat` gives it to a client that owns nothing there.",
      example: "2-1k8f3a",
    }),
    slots: z
      .array(
        z.object({
          start: z.string().openapi({ format: "date-time", example: "2026-12-07T09:00:00+01:00" }),
          end: z.string().openapi({ format: "date-time", example: "2026-12-07T09:30:00+01:00" }),
          state: z.enum(["viewing", "held", "booked"]),
        }),
      )
      .openapi({
        description: "The live entries of that date, by start: no hold ids, no client identity.",
      }),
  })
  .openapi("AdminLiveDay");

export const AdminLiveBodySchema = z
  .object({
    serverTime: z.string().openapi({ format: "date-time", example: "2026-12-07T09:00:00.000Z" }),
    storage: z.enum(["redis", "fallback"]),
    version: z.string().openapi({
      description: "The whole range's version (the event's `id`).",
      example: "1-13rtyqm",
    }),
    days: z.array(AdminLiveDaySchema).openapi({
      description:
        "`snapshot`: every (staff member, date) of the range; `change`: those whose version moved.",
    }),
  })
  .openapi("AdminLiveEvent");

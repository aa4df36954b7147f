import { z } from "@hono/zod-openapi";
import type {
  AvailabilityRequest,
  LiveAvailability,
} from "../../domain/availability/get-availability.ts";
import type { AvailabilityDaySummary } from "../../domain/availability/summarize-availability.ts";
import { credentialOf, ManageTokenHeader } from "../appointments/schema.ts";
import { ClientId, Id, LocalDate } from "../shared/schemas.ts";

export const AvailabilityQuery = z.strictObject({
  serviceId: Id("svc_demo_cut").openapi({
    description: "The service to book.",
    param: { name: "serviceId", in: "query" },
  }),
  staffId: Id("stf_demo_ana")
    .optional()
    .openapi({
      description: "One staff member; omit for every active staff member who performs the service.",
      param: { name: "staffId", in: "query" },
    }),
  from: LocalDate.openapi({
    description: "First local date (inclusive), in each staff member's time zone.",
    param: { name: "from", in: "query" },
  }),
  to: LocalDate.openapi({
    description: "Last local date (inclusive); at most 31 days after `from`, counting both.",
    param: { name: "to", in: "query" },
  }),
  rescheduleOf: Id("apt_5n2k8q1w7d3f9h4m6p0r")
    .optional()
    .openapi({
      description:
        "An appointment the caller moves (with its `X-Manage-Token` or the customer's session): its own time is shown free, so it can move onto an overlapping time. Any other credential: 404.",
      param: { name: "rescheduleOf", in: "query" },
    }),
});

/**
 * The caller's client id travels in a header, never in the URL: URLs end up in logs, histories
 * and Referer headers, and a client id is what tells a client's own holds from others'.
 */
export const AvailabilityHeaders = ManageTokenHeader.extend({
  "x-client-id": ClientId.optional().openapi({
    param: { name: "x-client-id", in: "header" },
    description:
      "The caller's client id (as sent to select and hold), so that its own holds and markers show as `mine`.",
    example: "c_7f3a9b2e41d8",
  }),
});

export const AvailabilitySlot = z
  .object({
    start: z.string().openapi({
      format: "date-time",
      description: "ISO 8601 with the staff member's UTC offset.",
      example: "2026-12-07T10:00:00+01:00",
    }),
    end: z.string().openapi({ format: "date-time", example: "2026-12-07T11:00:00+01:00" }),
    staffId: z.string().openapi({ example: "stf_demo_ana" }),
    state: z.enum(["available", "viewing", "held", "booked"]).openapi({
      description:
        "`available`: free. `viewing`: another client has it selected right now (advisory). `held`: a client holds it while completing a booking. `booked`: a confirmed appointment covers it (buffers included).",
      example: "available",
    }),
    mine: z.boolean().optional().openapi({
      description:
        "Present and true when the state is the caller's own hold or selection (needs `X-Client-Id`).",
      example: true,
    }),
  })
  .openapi("AvailabilitySlot");

export const AvailabilityResponse = z
  .object({
    serviceId: z.string(),
    from: z.string().openapi({ format: "date" }),
    to: z.string().openapi({ format: "date" }),
    horizonEnd: z.string().openapi({
      format: "date-time",
      description:
        "The booking horizon (`horizonDays` of `GET /v1/business` from now): slots start before this instant, so dates past it have none. ISO 8601 with the staff member's offset (the business's when no `staffId` was given).",
      example: "2027-03-07T10:15:00+01:00",
    }),
    days: z.array(
      z.object({
        date: z.string().openapi({ format: "date", example: "2026-12-07" }),
        slots: z.array(AvailabilitySlot),
      }),
    ),
  })
  .openapi("Availability");

export function toAvailabilityResponse(
  query: { serviceId: string; from: string; to: string },
  { days, horizonEnd }: LiveAvailability,
): z.infer<typeof AvailabilityResponse> {
  return {
    serviceId: query.serviceId,
    from: query.from,
    to: query.to,
    horizonEnd,
    days: days.map((day) => ({
      date: day.date,
      slots: day.slots.map(({ start, end, staffId, state, mine }) =>
        mine ? { start, end, staffId, state, mine } : { start, end, staffId, state },
      ),
    })),
  };
}

/** The month view's query: availability's (the client id is a header there, and unused here). */
export const AvailabilitySummaryQuery = AvailabilityQuery;

/**
 * The domain's request from a validated availability query (and, for `rescheduleOf`, the
 * credential headers): shared by the slot list and the month view.
 */
export function availabilityRequest(
  query: z.infer<typeof AvailabilityQuery>,
  headers: z.infer<typeof ManageTokenHeader>,
): Omit<AvailabilityRequest, "clientId"> {
  return {
    serviceId: query.serviceId,
    fromDate: query.from,
    toDate: query.to,
    ...(query.staffId ? { staffId: query.staffId } : {}),
    ...(query.rescheduleOf
      ? {
          rescheduleOf: {
            appointmentId: query.rescheduleOf,
            ...credentialOf(headers),
            field: "query.rescheduleOf",
          },
        }
      : {}),
  };
}

export const AvailabilitySummary = z
  .object({
    serviceId: z.string().openapi({ example: "svc_demo_cut" }),
    staffId: z
      .string()
      .nullable()
      .openapi({ description: "The staff member asked for; null for anyone.", example: null }),
    from: z.string().openapi({ format: "date", example: "2026-12-01" }),
    to: z.string().openapi({ format: "date", example: "2026-12-31" }),
    days: z.array(
      z.object({
        date: z
          .string()
          .openapi({ format: "date", description: "A local date.", example: "2026-12-07" }),
        free: z.number().int().openapi({
          description:
            "How many distinct start times are free on that date (`available`, or only being viewed by someone); with several staff members a time free with two of them counts once.",
          example: 14,
        }),
        firstFree: z.string().nullable().openapi({
          format: "date-time",
          description:
            "The earliest free start (ISO 8601 with the staff member's offset); null when none.",
          example: "2026-12-07T09:00:00+01:00",
        }),
      }),
    ),
  })
  .openapi("AvailabilitySummary");

export function toAvailabilitySummary(
  query: { serviceId: string; staffId?: string | undefined; from: string; to: string },
  days: AvailabilityDaySummary[],
): z.infer<typeof AvailabilitySummary> {
  return {
    serviceId: query.serviceId,
    staffId: query.staffId ?? null,
    from: query.from,
    to: query.to,
    days: days.map((day) => ({ date: day.date, free: day.freeCount, firstFree: day.firstFree })),
  };
}

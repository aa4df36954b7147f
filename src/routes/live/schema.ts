/**
 * The live stream's requests and answers: the query and headers of GET /v1/live, and the body
 * and answer of POST /v1/live/tickets. The caller's client id travels in the X-Client-Id header,
 * never in the URL (URLs end up in logs, and the client id is what its holds are keyed on);
 * EventSource, which cannot send headers, presents a one-use ticket instead.
 */
import { z } from "@hono/zod-openapi";
import { LIVE_TICKET_PATTERN, LIVE_TICKET_TTL_MS } from "../../domain/live/live-tickets.ts";
import { ClientId, LocalDate, StaffId } from "../shared/schemas.ts";

const TICKET_EXAMPLE = "lt.q8Jc2kW5d8f1h4n6p0r2t7y9a3Zk3Lm0";

/** What a client that put its client id in the URL is told to do instead. */
export const CLIENT_ID_IN_URL =
  "the client id never goes in a URL (URLs end up in logs): send it in the X-Client-Id header, or, for EventSource (which cannot send headers), get a one-use ticket from POST /v1/live/tickets and pass it as `ticket`";

export const LiveQuery = z
  .looseObject({
    staffId: StaffId.openapi({ param: { name: "staffId", in: "query" } }),
    date: LocalDate.openapi({
      param: { name: "date", in: "query" },
      description: "The staff member's local date to watch.",
    }),
    ticket: z
      .string()
      .regex(LIVE_TICKET_PATTERN, "must be a ticket from POST /v1/live/tickets")
      .optional()
      .openapi({
        param: { name: "ticket", in: "query" },
        description:
          "A one-use ticket from `POST /v1/live/tickets` for this staff member and date, for clients that cannot send `X-Client-Id` (EventSource): the stream marks that client's own entries `mine`. Spent by its first use, accepted or not; EventSource's own reconnect reuses the URL, so get a new ticket and open a new EventSource instead.",
        example: TICKET_EXAMPLE,
      }),
  })
  // Any other parameter is ignored, as before; a client id is refused with what to do instead.
  .superRefine((query, ctx) => {
    if ("clientId" in query)
      ctx.addIssue({ code: "custom", path: ["clientId"], message: CLIENT_ID_IN_URL });
  });

export const LiveHeaders = z.object({
  "x-client-id": ClientId.optional().openapi({
    param: { name: "x-client-id", in: "header" },
    description:
      "The caller's client id (as sent to select and hold), so that its own holds and markers show as `mine`. Without it (or a `ticket`) nothing is `mine`.",
    example: "c_7f3a9b2e41d8",
  }),
  "last-event-id": z
    .string()
    .max(64)
    .optional()
    .openapi({
      param: { name: "last-event-id", in: "header" },
      description:
        "The last version seen (EventSource sends it when it reconnects): no `snapshot` when it is still current.",
      example: "2-1k8f3a",
    }),
});

export const LiveTicketHeaders = z.object({
  "x-client-id": ClientId.openapi({
    param: { name: "x-client-id", in: "header" },
    description: "The client id the ticket stands for (as sent to select and hold).",
    example: "c_7f3a9b2e41d8",
  }),
});

export const LiveTicketBody = z
  .strictObject({
    staffId: StaffId.openapi({ description: "The staff member the ticket's stream watches." }),
    date: LocalDate.openapi({ description: "The staff member's local date the stream watches." }),
  })
  .openapi("LiveTicketInput");

export const LiveTicketResponse = z
  .object({
    ticket: z.string().openapi({
      description: `Pass as \`ticket\` to \`GET /v1/live\` with the same \`staffId\` and \`date\`, within ${LIVE_TICKET_TTL_MS / 1000} s. It opens one stream, once, and is worth nothing afterwards; it is not the client id and cannot be used as one.`,
      example: TICKET_EXAMPLE,
    }),
    expiresAt: z.string().openapi({
      format: "date-time",
      description: "When the ticket stops being accepted (ISO 8601, UTC).",
      example: "2026-12-01T09:01:00.000Z",
    }),
  })
  .openapi("LiveTicket");

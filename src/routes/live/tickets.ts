import { createRoute } from "@hono/zod-openapi";
import { issueLiveTicket, LIVE_TICKET_TTL_MS } from "../../domain/live/live-tickets.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { LiveTicketBody, LiveTicketHeaders, LiveTicketResponse } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/live/tickets",
      operationId: "createLiveTicket",
      tags: ["Live state"],
      summary: "Get a one-use ticket for the live stream (EventSource)",
      description: `For clients that read \`GET /v1/live\` with EventSource, which cannot send the \`X-Client-Id\` header: the ticket stands for the client id of this request's header, so the stream marks that client's own entries \`mine\`, without the client id ever being in a URL. It is valid for ${LIVE_TICKET_TTL_MS / 1000} s, for this staff member and date only, and opens one stream once; it is random (not derived from the client id), stored only as a hash, and cannot be used as a client id (to hold, for instance). Clients that can send headers (fetch) need no ticket. One Redis round trip, no SQL.`,
      request: {
        headers: LiveTicketHeaders,
        body: { required: true, content: { "application/json": { schema: LiveTicketBody } } },
      },
      responses: {
        201: {
          description: "The ticket.",
          content: { "application/json": { schema: LiveTicketResponse } },
        },
        ...errorResponses("BAD_REQUEST"),
      },
    },
    { store: true },
  ),
);

export const liveTicketRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const { ticket, expiresAtMs } = await issueLiveTicket({
    ctx: c.var.ctx,
    input: { ...body, clientId: c.req.valid("header")["x-client-id"] },
  });
  const answer = { ticket, expiresAt: new Date(expiresAtMs).toISOString() };
  return c.json(LiveTicketResponse.parse(answer), 201);
});

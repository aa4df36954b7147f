import { createRoute, z } from "@hono/zod-openapi";
import {
  type LiveStreamEvent,
  openLiveStream,
  PING_MS,
  STREAM_LIFETIME_MS,
  STREAMS_PER_ADDRESS,
} from "../../domain/live/live-stream.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { clientIpGroup } from "../../http/client-ip.ts";
import { createRouter } from "../../http/router.ts";
import { sseResponse } from "../../http/sse.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { LiveHeaders, LiveQuery } from "./schema.ts";

const EVENTS_TEXT = [
  "`snapshot`: the heartbeat's answer for that staff member and date (`id:` = its `version`);",
  "`change`: the same body after a change (`id:` = the new version), with the full slot list;",
  '`mode` with `{"mode":"poll"}` before the stream ends while live state is unavailable (poll `POST /v1/heartbeat` then);',
  `a \`: ping\` comment every ${PING_MS / 1000} s (a client that left is found by it, and its place freed);`,
  `\`reconnect\` before the server ends a stream at its maximum lifetime (${STREAM_LIFETIME_MS / 60_000} min).`,
].join(" ");

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/live",
      operationId: "streamLiveState",
      tags: ["Live state"],
      summary: "Stream live state (Server-Sent Events)",
      description: `Pushes what others are viewing, holding and have just booked for one staff member and date, instead of polling the heartbeat. Events: ${EVENTS_TEXT} No auth, no cookies. The caller's own entries are \`mine\` when it sends its client id in \`X-Client-Id\`, or a \`ticket\` from \`POST /v1/live/tickets\` (EventSource cannot send headers); never in the URL: a \`clientId\` parameter is refused (400). At most ${STREAMS_PER_ADDRESS} open streams per client address (IPv6: per /64); a stream whose client left gives its place back within 10 s. This stream never keeps a viewing marker alive: a client with a time selected still sends a heartbeat now and then.`,
      request: { query: LiveQuery, headers: LiveHeaders },
      responses: {
        200: {
          description: "The event stream.",
          content: {
            "text/event-stream": {
              schema: z.string().openapi({
                example:
                  'event: snapshot\nid: 2-1k8f3a\ndata: {"serverTime":"2026-12-01T09:00:00.000Z","storage":"redis","version":"2-1k8f3a","slots":[]}\n\n',
              }),
            },
          },
        },
        ...errorResponses("BAD_REQUEST", "RATE_LIMITED"),
      },
    },
    { store: true },
  ),
);

export const liveRoute = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const headers = c.req.valid("header");
  const response = await sseResponse<LiveStreamEvent>(c.req.raw.signal, (sink) =>
    openLiveStream({
      ctx: c.var.ctx,
      input: {
        staffId: query.staffId,
        date: query.date,
        clientId: headers["x-client-id"],
        ticket: query.ticket,
        ipGroup: clientIpGroup(c),
        lastEventId: headers["last-event-id"],
      },
      sink,
    }),
  );
  return response as never;
});

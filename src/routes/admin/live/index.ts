import { createRoute, z } from "@hono/zod-openapi";
import {
  ADMIN_LIVE_MAX_DAYS,
  ADMIN_LIVE_MAX_STAFF,
  ADMIN_READ_MS,
  ADMIN_STREAMS_PER_CREDENTIAL,
  type AdminLiveEvent,
  openAdminLiveStream,
} from "../../../domain/live/admin-live.ts";
import { PING_MS, STREAM_LIFETIME_MS } from "../../../domain/live/live-stream.ts";
import { ApiError } from "../../../errors/api-error.ts";
import { errorResponses } from "../../../errors/envelope.ts";
import { staffScopeOf } from "../../../http/admin-auth.ts";
import { createRouter } from "../../../http/router.ts";
import { sseResponse } from "../../../http/sse.ts";
import { withCommonAnswers } from "../../shared/common-answers.ts";
import { AdminSecurity } from "../../shared/schemas.ts";
import { AdminLiveHeaders, AdminLiveQuery } from "./schema.ts";

const EVENTS_TEXT = [
  "`snapshot`: every (staff member, date) of the range with its live entries (`id:` = the range's version; `data:` is the schema `AdminLiveEvent`);",
  "`change`: the (staff member, date) pairs whose entries changed, each with its full slot list (`id:` = the new version);",
  '`mode` with `{"mode":"poll"}` before the stream ends while live state is unavailable: on the fallback store the stream first sends one `snapshot` read from it (`storage: "fallback"`), so reopening the stream now and then is the poll;',
  `a \`: ping\` comment every ${PING_MS / 1000} s;`,
  `\`reconnect\` before the server ends a stream at its maximum lifetime (${STREAM_LIFETIME_MS / 60_000} min).`,
].join(" ");

const route = createRoute(
  withCommonAnswers(
    {
      method: "get",
      path: "/v1/admin/live",
      operationId: "adminStreamLiveState",
      tags: ["Admin: live"],
      summary: "Stream the live state of a range of staff members and dates (Server-Sent Events)",
      description: `What customers are viewing, holding and have just booked, for every staff member (or \`staffId\`) over \`from\`..\`to\` (at most ${ADMIN_LIVE_MAX_DAYS} days), in one stream; without \`staffId\` every active staff member, at most ${ADMIN_LIVE_MAX_STAFF} (more: 400, name one). Events: ${EVENTS_TEXT} Holds carry no identity. The server re-reads the range every ${ADMIN_READ_MS / 1000} s (one store call per staff member) and sends what changed. At most ${ADMIN_STREAMS_PER_CREDENTIAL} open streams per credential (the 4th is 429 with Retry-After); they do not count against the public stream's per-address limit. A staff account sees its own staff member only.`,
      security: AdminSecurity,
      request: { query: AdminLiveQuery, headers: AdminLiveHeaders },
      responses: {
        200: {
          description: "The event stream.",
          content: {
            "text/event-stream": {
              schema: z.string().openapi({
                example:
                  'event: snapshot\nid: 1-13rtyqm\ndata: {"serverTime":"2026-12-07T09:00:00.000Z","storage":"redis","version":"1-13rtyqm","days":[{"staffId":"stf_demo_ana","date":"2026-12-07","version":"0-ztntfp","slots":[]}]}\n\n',
              }),
            },
          },
        },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND", "RATE_LIMITED"),
      },
    },
    { store: true },
  ),
);

export const adminLiveRoutes = createRouter().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const headers = c.req.valid("header");
  const ctx = c.var.ctx;
  const caller = c.get("admin");
  const scoped = staffScopeOf(c, query.staffId);
  let staffIds: string[];
  if (scoped === undefined) {
    staffIds = (await ctx.catalog.listStaff({ activeOnly: true })).map((s) => s.id).sort();
    if (staffIds.length > ADMIN_LIVE_MAX_STAFF)
      throw new ApiError(
        "BAD_REQUEST",
        `query.staffId: required when there are more than ${ADMIN_LIVE_MAX_STAFF} active staff members (there are ${staffIds.length})`,
      );
  } else {
    if (!(await ctx.catalog.getStaff(scoped)))
      throw new ApiError("NOT_FOUND", `query.staffId: no staff member ${scoped}`);
    staffIds = [scoped];
  }
  const response = await sseResponse<AdminLiveEvent>(c.req.raw.signal, (sink) =>
    openAdminLiveStream({
      ctx,
      input: {
        staffIds,
        from: query.from,
        to: query.to,
        // Its own group of places, apart from any address's (`streams:<ip group>`).
        credential: `admin:${caller?.actor ?? "unknown"}`,
        lastEventId: headers["last-event-id"],
      },
      sink,
    }),
  );
  return response as never;
});

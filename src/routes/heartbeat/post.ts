import { createRoute, z } from "@hono/zod-openapi";
import { heartbeat } from "../../domain/live/heartbeat.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { ClientId, LocalDate, StaffId } from "../shared/schemas.ts";

const HeartbeatBody = z
  .strictObject({
    clientId: ClientId,
    staffId: StaffId,
    date: LocalDate.openapi({ description: "The staff member's local date to watch." }),
    viewing: z.boolean().default(true).openapi({
      description: "Keep this client's viewing marker alive (false drops it).",
      example: true,
    }),
    since: z.string().max(64).optional().openapi({
      description: "The `version` of your last heartbeat: `slots` is omitted when nothing changed.",
      example: "2-1k8f3a",
    }),
  })
  .openapi("HeartbeatInput");

const HeartbeatResponse = z
  .object({
    serverTime: z.string().openapi({ format: "date-time", example: "2026-12-01T09:00:00.000Z" }),
    storage: z
      .enum(["redis", "fallback"])
      .openapi({ description: "The store that served this call." }),
    version: z.string().openapi({
      description: "Changes exactly when the live state of this staff member and date changes.",
      example: "2-1k8f3a",
    }),
    slots: z
      .array(
        z.object({
          start: z.string().openapi({ format: "date-time" }),
          end: z.string().openapi({ format: "date-time" }),
          state: z.enum(["viewing", "held", "booked"]),
          mine: z.boolean(),
        }),
      )
      .optional()
      .openapi({ description: "Live entries on that date (omitted when `since` is current)." }),
  })
  .openapi("Heartbeat");

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/heartbeat",
      operationId: "sendHeartbeat",
      tags: ["Live state"],
      summary: "Poll live state and keep a selection alive",
      description:
        "Keeps (or drops) this client's viewing marker and returns what others are viewing, holding and have just booked for one staff member and date. One Redis round trip, no SQL; while Redis is down, served by the MySQL fallback (`storage` says which).",
      request: {
        body: { required: true, content: { "application/json": { schema: HeartbeatBody } } },
      },
      responses: {
        200: {
          description: "The live state.",
          content: { "application/json": { schema: HeartbeatResponse } },
        },
        ...errorResponses("BAD_REQUEST"),
      },
    },
    { store: true },
  ),
);

export const heartbeatRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const result = await heartbeat({
    ctx: c.var.ctx,
    input: { ...body, ...(body.since === undefined ? {} : { since: body.since }) },
  });
  const response = {
    serverTime: new Date(result.serverTimeMs).toISOString(),
    storage: c.var.trace.storage ?? "redis",
    version: result.version,
    ...(result.slots ? { slots: result.slots } : {}),
  };
  return c.json(HeartbeatResponse.parse(response), 200);
});

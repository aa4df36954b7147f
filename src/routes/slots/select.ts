import { createRoute, z } from "@hono/zod-openapi";
import { selectSlot } from "../../domain/live/select-slot.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { ClientId, ServiceId, SlotStart, StaffId, StaffOffsetTimes } from "../shared/schemas.ts";

const SelectBody = z
  .strictObject({ clientId: ClientId, serviceId: ServiceId, staffId: StaffId, start: SlotStart })
  .openapi("SelectSlot");

const SelectResponse = z
  .object({
    serviceId: z.string(),
    staffId: z.string(),
    ...StaffOffsetTimes,
    state: z.literal("viewing"),
    expiresAt: z.string().openapi({
      format: "date-time",
      description: "When the marker lapses unless a heartbeat keeps it.",
      example: "2026-12-01T09:00:10.000Z",
    }),
  })
  .openapi("SelectedSlot");

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/slots/select",
      operationId: "selectSlot",
      tags: ["Live state"],
      summary: "Mark a slot as viewing",
      description:
        "Shows other clients that this client has the slot selected (advisory, viewing TTL, kept alive by the heartbeat). Replaces the client's previous selection on the same staff member. " +
        "The slot must be one that availability offered. One Redis round trip, no SQL.",
      request: {
        body: { required: true, content: { "application/json": { schema: SelectBody } } },
      },
      responses: {
        200: {
          description: "Marked.",
          content: { "application/json": { schema: SelectResponse } },
        },
        ...errorResponses("BAD_REQUEST", "SLOT_HELD", "SLOT_UNAVAILABLE"),
      },
    },
    { store: true },
  ),
);

export const selectSlotRoute = createRouter().openapi(route, async (c) => {
  const selected = await selectSlot({ ctx: c.var.ctx, input: c.req.valid("json") });
  const { expiresAtMs, ...rest } = selected;
  return c.json(
    SelectResponse.parse({
      ...rest,
      state: "viewing",
      expiresAt: new Date(expiresAtMs).toISOString(),
    }),
    200,
  );
});

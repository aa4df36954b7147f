import { createRoute } from "@hono/zod-openapi";
import { findSeries } from "../../domain/availability/find-series.ts";
import { holdSlots } from "../../domain/live/hold-slots.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { clientIpGroup } from "../../http/client-ip.ts";
import { createRouter } from "../../http/router.ts";
import { credentialOf } from "../appointments/schema.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { CreateHoldHeaders, HoldBody, HoldResponse, toHoldResponse } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/holds",
      operationId: "createHold",
      tags: ["Live state"],
      summary: "Hold one or several slots",
      description:
        "Holds the slot(s) exclusively for the hold TTL while the customer completes the booking. Of concurrent overlapping holds exactly one wins; the others get 409 `SLOT_HELD` with `details.heldUntil`. " +
        "Several slots are held all or nothing (one staff member, one service). The holder repeating its hold (same slots, same service) with its `X-Hold-Token` gets the same hold and token back (200); without the token, a repeat is refused (409 `SLOT_HELD`, whose message tells the client that the hold is its own and to send its `X-Hold-Token`). A 503 leaves no hold behind: a hold whose store answer came too late is taken back before the 503 is sent or, when the store does not answer that either, within about 25 s (unless a retry with the same `Idempotency-Key` was given it meanwhile). A request sent with an `Idempotency-Key` and repeated with the same key, client id and slots (its answer was lost) gets the same hold and a working token (200); once that hold was released, the key is spent: a repeat answers 410 `HOLD_EXPIRED` and holds nothing (hold again with a new key). One Redis round trip and, beside it, one SQL write (the hold's claim in the booking store, so that a location that lost Redis and holds in the fallback can never grant the same slot): no extra crossing. " +
        "With `rescheduleOf` (and that appointment's `X-Manage-Token` or its customer's session) the appointment's own time does not block: hold a time that overlaps it, then reschedule. Hold it after reading availability with the same `rescheduleOf` and credential (that read checks the credential; the hold then needs no SQL read).",
      request: {
        headers: CreateHoldHeaders,
        body: { required: true, content: { "application/json": { schema: HoldBody } } },
      },
      responses: {
        201: { description: "Held.", content: { "application/json": { schema: HoldResponse } } },
        200: {
          description:
            "The request presented this hold's token and asked for exactly its slots: the same hold and token.",
          content: { "application/json": { schema: HoldResponse } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "NOT_FOUND",
          "CONFLICT",
          "SLOT_HELD",
          "SLOT_UNAVAILABLE",
          "HOLD_EXPIRED",
          "HOLD_LIMIT",
        ),
      },
    },
    { store: true, credential: "optional" },
  ),
);

export const createHoldRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const headers = c.req.valid("header");
  const first = {
    serviceId: body.serviceId ?? "",
    staffId: body.staffId ?? "",
    start: body.start ?? "",
  };
  // A series: its occurrences are read (and their offers published) first, which needs the staff
  // member's zone, then held as one multi-slot hold.
  const slots =
    body.slots ??
    (body.repeat
      ? (
          await findSeries({
            ctx: c.var.ctx,
            input: {
              ...first,
              ...body.repeat,
              clientId: body.clientId,
              startField: "body.start",
              repeatField: "body.repeat",
            },
          })
        ).occurrences.map((o) => ({ ...first, start: o.start }))
      : [first]);
  const hold = await holdSlots({
    ctx: c.var.ctx,
    input: {
      clientId: body.clientId,
      slots,
      field: body.slots ? "body.slots" : body.repeat ? "body.repeat" : "body",
      series: body.repeat !== undefined,
      holdToken: headers["x-hold-token"],
      idempotencyKey: headers["idempotency-key"],
      ipGroup: clientIpGroup(c),
      ...(body.rescheduleOf
        ? {
            rescheduleOf: {
              appointmentId: body.rescheduleOf,
              ...credentialOf(headers),
              field: "body.rescheduleOf",
            },
          }
        : {}),
    },
  });
  // toHoldResponse builds the documented shape field by field (its type is the schema's), so a
  // storm of holds skips a second walk through the schema.
  return c.json(toHoldResponse(hold), hold.created ? 201 : 200);
});

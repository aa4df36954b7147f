import { createRoute, z } from "@hono/zod-openapi";
import { bookWaitlistOffer } from "../../domain/waitlist/book-offer.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { BookingResponse, HoldProof } from "../appointments/schema.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { EntryIdParam, EntryToken } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/waitlist/{id}/book",
      operationId: "bookWaitlistOffer",
      tags: ["Waitlist"],
      summary: "Book the time a waitlist offer holds",
      description:
        "What the offer email's link sends: the entry's `token`, and the offer's `holdId` and `holdToken`. Books the held time for the entry's name and email, like POST /v1/appointments (the same answers; a second call answers the same booking). " +
        "After the offer's hold lapsed, the time may be booked only while it is still free (410 `HOLD_EXPIRED` once someone else has it). Services with intake questions cannot be booked this way (400 naming `body.answers`): use POST /v1/appointments with the same hold.",
      request: {
        params: EntryIdParam,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.strictObject({ token: EntryToken, ...HoldProof }).openapi("WaitlistBook"),
            },
          },
        },
      },
      responses: {
        201: {
          description: "Booked; the entry is `booked`.",
          content: { "application/json": { schema: BookingResponse } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "NOT_FOUND",
          "IDEMPOTENCY_CONFLICT",
          "SLOT_UNAVAILABLE",
          "SLOT_HELD",
          "HOLD_EXPIRED",
          "NO_SHOW_LIMIT",
          "STORE_UNAVAILABLE",
        ),
      },
    },
    { store: true },
  ),
);

export const bookWaitlistRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const booking = await bookWaitlistOffer({
    ctx: c.var.ctx,
    input: {
      id: c.req.valid("param").id,
      token: body.token,
      holdId: body.holdId,
      holdToken: body.holdToken,
    },
  });
  const [appointment] = booking.appointments;
  return c.json(
    BookingResponse.parse({
      appointment,
      appointments: booking.appointments,
      manageToken: booking.manageToken,
    }),
    201,
  );
});

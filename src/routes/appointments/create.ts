import { createRoute } from "@hono/zod-openapi";
import { bookAppointment } from "../../domain/booking/book-appointment.ts";
import { requestedLocale } from "../../domain/settings/locale.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { BookBody, BookingResponse, IdempotencyHeader } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/appointments",
      operationId: "bookAppointment",
      tags: ["Appointments"],
      summary: "Book the held slot(s)",
      description:
        "Books every slot of the hold in one transaction, or none. MySQL makes an overlapping booking impossible. " +
        "`Idempotency-Key` is required: the same key and body return the same 201; another body is 409 `IDEMPOTENCY_CONFLICT`, as is a replay while the first is in flight. One booking's retries reuse one key. A hold books at most once: booking a hold that its token already booked answers that booking (the same 201 body, manage token included), whatever the key. " +
        "`answers` are checked against the service's questions as the booking reads them: a missing required answer, a value that does not fit, or an unknown id is 400 naming `body.answers.<id>`, and nothing is booked. " +
        "409 `SLOT_UNAVAILABLE` (with up to 3 nearby free slots in `details.nearby`) when the time was booked meanwhile; 409 `SLOT_HELD` when someone else holds it; 410 `HOLD_EXPIRED` when your hold is gone and the slot is no longer free; 409 `NO_SHOW_LIMIT` when the email has reached the business's no-show limit (settings `noShowLimit`, off by default). " +
        "One Redis round trip and one SQL transaction. " +
        "The emails are in `locale` if given, else the best match of `Accept-Language`, else the business's `defaultLocale`; the appointment keeps that language (`locale`).",
      request: {
        headers: IdempotencyHeader,
        body: { required: true, content: { "application/json": { schema: BookBody } } },
      },
      responses: {
        201: {
          description: "Booked (or the replay of an earlier 201).",
          content: { "application/json": { schema: BookingResponse } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "NOT_FOUND",
          "SLOT_HELD",
          "SLOT_UNAVAILABLE",
          "IDEMPOTENCY_CONFLICT",
          "HOLD_EXPIRED",
          "NO_SHOW_LIMIT",
          "STORE_UNAVAILABLE",
        ),
      },
    },
    { store: true },
  ),
);

export const createAppointmentRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const headers = c.req.valid("header");
  const booking = await bookAppointment({
    ctx: c.var.ctx,
    input: {
      idempotencyKey: headers["idempotency-key"],
      holdId: body.holdId,
      holdToken: body.holdToken,
      customer: {
        name: body.customer.name,
        email: body.customer.email,
        phone: body.customer.phone ?? null,
      },
      notes: body.notes ?? "",
      locale: requestedLocale({ locale: body.locale, acceptLanguage: headers["accept-language"] }),
      answers: body.answers ?? {},
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

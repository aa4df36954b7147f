import { createRoute, z } from "@hono/zod-openapi";
import { cancelAppointment } from "../../domain/booking/manage-appointment.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AppointmentSchema } from "../shared/appointment-schema.ts";
import { AppointmentIdParam, credentialOf, ManageTokenHeader } from "./schema.ts";

const CancelQuery = z.strictObject({
  scope: z
    .enum(["one", "following", "all"])
    .optional()
    .openapi({
      param: { name: "scope", in: "query" },
      description:
        "For an appointment of a recurring series (`seriesId`): `one` (default) this occurrence; `following` this one and the later confirmed ones; `all` every confirmed one. Each occurrence meets the cut-off on its own: those inside it stay confirmed and come back in `left`. Without a series, every scope is `one`.",
      example: "following",
    }),
});

const CancelResponse = z
  .object({
    appointment: AppointmentSchema,
    appointments: z.array(AppointmentSchema).openapi({
      description: "Every appointment cancelled (by start); only the one for scope `one`.",
    }),
    left: z
      .array(
        AppointmentSchema.extend({
          cutoffAt: z.string().openapi({
            format: "date-time",
            description: "When its cancellation cut-off began (its start minus the cut-off).",
          }),
        }),
      )
      .openapi({
        description:
          "Occurrences in the scope left confirmed because they are inside the cut-off (cancel them by phone, or they take place).",
      }),
  })
  .openapi("CancelResult");

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/appointments/{id}/cancel",
      operationId: "cancelAppointment",
      tags: ["Appointments"],
      summary: "Cancel an appointment",
      description:
        "Frees its time in one transaction and emails the customer. Refused with 409 `CUTOFF_PASSED` (and `details.cutoffAt`) inside the cancellation cut-off (`GET /v1/business`), 409 `CONFLICT` when already cancelled. Anyone without the manage token gets 404. " +
        "With `scope` `following` or `all`, the occurrences of its series in the same transaction (one email listing them, one `appointment.cancelled` each); occurrences inside the cut-off are left and listed in `left` (409 `CUTOFF_PASSED` only when every one is inside it).",
      request: { params: AppointmentIdParam, headers: ManageTokenHeader, query: CancelQuery },
      responses: {
        200: {
          description: "Cancelled.",
          content: { "application/json": { schema: CancelResponse } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "NOT_FOUND",
          "CONFLICT",
          "CUTOFF_PASSED",
          "STORE_UNAVAILABLE",
        ),
      },
    },
    { store: true },
  ),
);

export const cancelAppointmentRoute = createRouter().openapi(route, async (c) => {
  const { scope } = c.req.valid("query");
  const result = await cancelAppointment({
    ctx: c.var.ctx,
    input: {
      id: c.req.valid("param").id,
      ...credentialOf(c.req.valid("header")),
      ...(scope ? { scope } : {}),
    },
  });
  return c.json(CancelResponse.parse(result), 200);
});

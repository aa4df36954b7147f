import { createRoute, z } from "@hono/zod-openapi";
import { requestedLocale } from "../../domain/settings/locale.ts";
import { parseHhmm } from "../../domain/time/zoned-time.ts";
import { joinWaitlist } from "../../domain/waitlist/waitlist.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { clientIpGroup } from "../../http/client-ip.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { AcceptLanguage } from "../shared/schemas.ts";
import { EntryToken, JoinBody, WaitlistEntrySchema } from "./schema.ts";

const Joined = z
  .object({ entry: WaitlistEntrySchema, token: EntryToken })
  .openapi("WaitlistJoined");

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/waitlist",
      operationId: "joinWaitlist",
      tags: ["Waitlist"],
      summary: "Join the waitlist for a full date",
      description:
        "For a date (and optional window of local start times) with no free time: 409 `CONFLICT` naming `body.date` when there is some (book it instead). " +
        "The entry is `pending` until the 6-digit code emailed to `email` is confirmed (`POST /v1/waitlist/{id}/confirm`), so nobody can put someone else on the list. " +
        "At most 3 active entries per email (409 naming `body.email`), and a per-address limit (429). " +
        "When a matching time frees up, the first confirmed entry is emailed an offer that holds the time for it (the setting `waitlistOfferTtlS`, 900 s by default).",
      request: {
        headers: z.object({ "accept-language": AcceptLanguage }),
        body: { required: true, content: { "application/json": { schema: JoinBody } } },
      },
      responses: {
        201: {
          description: "Pending its code. `token` leaves the list (also in the email's links).",
          content: { "application/json": { schema: Joined } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "NOT_FOUND",
          "CONFLICT",
          "RATE_LIMITED",
          "STORE_UNAVAILABLE",
        ),
      },
    },
    { store: true },
  ),
);

export const joinWaitlistRoute = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const minutes = (value: string | undefined) => (value === undefined ? null : parseHhmm(value));
  const joined = await joinWaitlist({
    ctx: c.var.ctx,
    input: {
      serviceId: body.serviceId,
      staffId: body.staffId,
      date: body.date,
      fromMin: minutes(body.from),
      toMin: minutes(body.to),
      email: body.email,
      name: body.name,
      locale: requestedLocale({
        locale: body.locale,
        acceptLanguage: c.req.valid("header")["accept-language"],
      }),
      clientIp: clientIpGroup(c),
    },
  });
  return c.json(Joined.parse(joined), 201);
});

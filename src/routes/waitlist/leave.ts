import { createRoute, z } from "@hono/zod-openapi";
import { leaveWaitlist } from "../../domain/waitlist/waitlist.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { EntryEnvelope, EntryIdParam, EntryToken } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "delete",
      path: "/v1/waitlist/{id}",
      operationId: "leaveWaitlist",
      tags: ["Waitlist"],
      summary: "Leave the waitlist",
      description:
        "With the entry's token (the link in every waitlist email). Again: the same 200. A wrong token or unknown id is 404; a booked or expired entry 409.",
      request: {
        params: EntryIdParam,
        query: z.object({ token: EntryToken.openapi({ param: { name: "token", in: "query" } }) }),
      },
      responses: {
        200: {
          description: "Left (status `left`).",
          content: { "application/json": { schema: EntryEnvelope } },
        },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND", "CONFLICT", "STORE_UNAVAILABLE"),
      },
    },
    { store: true },
  ),
);

export const leaveWaitlistRoute = createRouter().openapi(route, async (c) => {
  const entry = await leaveWaitlist({
    ctx: c.var.ctx,
    input: { id: c.req.valid("param").id, token: c.req.valid("query").token },
  });
  return c.json(EntryEnvelope.parse({ entry }), 200);
});

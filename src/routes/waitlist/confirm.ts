import { createRoute, z } from "@hono/zod-openapi";
import { confirmWaitlist } from "../../domain/waitlist/waitlist.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { clientIpGroup } from "../../http/client-ip.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { EntryEnvelope, EntryIdParam } from "./schema.ts";

const route = createRoute(
  withCommonAnswers(
    {
      method: "post",
      path: "/v1/waitlist/{id}/confirm",
      operationId: "confirmWaitlist",
      tags: ["Waitlist"],
      summary: "Confirm a waitlist entry with its emailed code",
      description:
        "The code works once, for 10 minutes, and dies after 5 wrong attempts (401 naming `body.code`); it signs nobody in. " +
        "The entry then waits in the queue, ordered by this confirmation. Again after confirming: the same 200.",
      request: {
        params: EntryIdParam,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .strictObject({
                  code: z
                    .string()
                    .regex(/^\d{6}$/, "must be the 6-digit code from the email")
                    .openapi({ example: "042817" }),
                })
                .openapi("WaitlistConfirm"),
            },
          },
        },
      },
      responses: {
        200: {
          description: "Waiting.",
          content: { "application/json": { schema: EntryEnvelope } },
        },
        ...errorResponses(
          "BAD_REQUEST",
          "UNAUTHORIZED",
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

export const confirmWaitlistRoute = createRouter().openapi(route, async (c) => {
  const entry = await confirmWaitlist({
    ctx: c.var.ctx,
    input: {
      id: c.req.valid("param").id,
      code: c.req.valid("json").code,
      clientIp: clientIpGroup(c),
    },
  });
  return c.json(EntryEnvelope.parse({ entry }), 200);
});

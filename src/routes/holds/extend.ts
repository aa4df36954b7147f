import { createRoute, z } from "@hono/zod-openapi";
import { extendHold } from "../../domain/live/manage-hold.ts";
import { errorResponses } from "../../errors/envelope.ts";
import { createRouter } from "../../http/router.ts";
import { withCommonAnswers } from "../shared/common-answers.ts";
import { HoldIdParam, HoldTokenHeader } from "./schema.ts";

const ExtendResponse = z
  .object({
    holdId: z.string(),
    expiresAt: z.string().openapi({ format: "date-time", example: "2026-12-01T09:20:00.000Z" }),
    capped: z.boolean().openapi({
      description: "True when the hold has reached its maximum lifetime (created + extension cap).",
    }),
  })
  .openapi("ExtendedHold");

const route = createRoute(
  withCommonAnswers(
    {
      method: "patch",
      path: "/v1/holds/{holdId}",
      operationId: "extendHold",
      tags: ["Live state"],
      summary: "Extend a hold",
      description:
        "Moves the expiry to now + hold TTL, never beyond creation + the extension cap. Only the holder (`X-Hold-Token`). " +
        "A hold that has expired answers what booking it would: while its time is still free and its cap has not passed it is held again under the same id and token (200); released, past its cap, or its time taken meanwhile: 410 `HOLD_EXPIRED`; over the client's hold limit: 429 `HOLD_LIMIT`. " +
        "One Redis round trip (two for an expired hold), then one SQL write (the hold's claim in the booking store follows its expiry).",
      request: { params: HoldIdParam, headers: HoldTokenHeader },
      responses: {
        200: {
          description: "Extended (or already at its cap), or an expired hold held again.",
          content: { "application/json": { schema: ExtendResponse } },
        },
        ...errorResponses("BAD_REQUEST", "NOT_FOUND", "HOLD_EXPIRED", "HOLD_LIMIT"),
      },
    },
    { store: true },
  ),
);

export const extendHoldRoute = createRouter().openapi(route, async (c) => {
  const { holdId } = c.req.valid("param");
  const extended = await extendHold({
    ctx: c.var.ctx,
    input: { holdId, holdToken: c.req.valid("header")["x-hold-token"] },
  });
  return c.json(
    ExtendResponse.parse({
      holdId,
      expiresAt: new Date(extended.expiresAtMs).toISOString(),
      capped: extended.capped,
    }),
    200,
  );
});
